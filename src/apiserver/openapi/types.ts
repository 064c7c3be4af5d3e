// The subset of OpenAPI 3.0 podlet writes, with the Kubernetes extensions kubectl reads.

export interface GroupVersionKind {
  group: string;
  kind: string;
  version: string;
}

export interface Schema {
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  required?: string[];
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  uniqueItems?: boolean;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
}

export interface Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: true;
  schema: Schema;
}

export interface MediaContent {
  [mediaType: string]: { schema: Schema };
}

export interface Operation {
  description: string;
  operationId: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { content: MediaContent; required: true };
  responses: Record<string, { description: string; content?: MediaContent }>;
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': GroupVersionKind;
}

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

export type PathItem = { parameters?: Parameter[] } & { [M in Method]?: Operation };

export interface OpenApiDocument {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Schema> };
}
