// Strict decoding for every kind from its OpenAPI schema: the fields a body names that the schema does not know,
// as the strict decoder reports them (`spec.foo`, `data`-style maps accept any key). Pods have their own decoder.
import { schemaName } from './schema-ref.js';
import type { Schema } from './types.js';

const REF = '#/components/schemas/';

export function unknownFields(
  schemas: ReadonlyMap<string, Schema>,
  group: string,
  version: string,
  kind: string,
  object: unknown,
): string[] {
  const root = schemas.get(schemaName(group, version, kind));
  if (root === undefined) return [];
  const out: string[] = [];
  walk(schemas, root, object, '', out);
  return out;
}

function walk(
  schemas: ReadonlyMap<string, Schema>,
  schema: Schema,
  value: unknown,
  path: string,
  out: string[],
): void {
  const s = resolve(schemas, schema);
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((item, i) => walk(schemas, s.items!, item, `${path}[${i}]`, out));
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (s.additionalProperties) {
    for (const [key, v] of entries) walk(schemas, s.additionalProperties, v, `${path}[${key}]`, out);
    return;
  }
  if (s.properties === undefined) return;
  for (const [key, v] of entries) {
    const field = path === '' ? key : `${path}.${key}`;
    const property = s.properties[key];
    if (property === undefined) out.push(field);
    else walk(schemas, property, v, field, out);
  }
}

function resolve(schemas: ReadonlyMap<string, Schema>, schema: Schema): Schema {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);
  return (ref !== undefined ? schemas.get(ref.slice(REF.length)) : undefined) ?? schema;
}
