// /openapi/v2 as kubectl up to 1.27 asks for it: the OpenAPI 2.0 document in gnostic's protobuf encoding
// (google/gnostic openapiv2/OpenAPIv2.proto), built from podlet's v3 documents. kubectl reads from it which kinds
// take `fieldValidation` (PATCH operations' query parameters and x-kubernetes-group-version-kind) and the
// schemas' patch extensions; without it `kubectl.1.27 apply` fails with "failed to download openapi".
import type { OpenApiDocument, Operation, Parameter, Schema } from './types.js';
import { encodeVarint } from '../../util/varint.js';

/** A protobuf message under construction: fields are appended in order, as a generated marshaller writes them. */
class Message {
  private readonly parts: Buffer[] = [];

  string(field: number, value: string | undefined): this {
    if (value === undefined || value === '') return this;
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.bytes(field, Buffer.from(v, 'utf8'));
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.parts.push(encodeVarint((field << 3) | 0), encodeVarint(1));
    return this;
  }

  message(field: number, value: Message | undefined): this {
    return value === undefined ? this : this.bytes(field, value.encode());
  }

  messages(field: number, values: readonly Message[]): this {
    for (const v of values) this.message(field, v);
    return this;
  }

  encode(): Buffer {
    return Buffer.concat(this.parts);
  }

  private bytes(field: number, value: Buffer): this {
    this.parts.push(encodeVarint((field << 3) | 2), encodeVarint(value.length), value);
    return this;
  }
}

/** Vendor extensions are NamedAny {name, value: Any {yaml}}; JSON is valid YAML. */
function extensions(source: object): Message[] {
  return Object.entries(source)
    .filter(([key]) => key.startsWith('x-'))
    .map(([name, value]) =>
      new Message().string(1, name).message(2, new Message().string(2, JSON.stringify(value))),
    );
}

const V3_REF = '#/components/schemas/';

/** v3 allOf-wrapped refs become plain refs; IntOrString and Quantity become `string` as upstream's v2 writes them. */
function schema(s: Schema): Message {
  const single = s.allOf?.length === 1 ? s.allOf[0] : undefined;
  const ref = s.$ref ?? single?.$ref;
  const m = new Message()
    .string(1, ref?.replace(V3_REF, '#/definitions/'))
    .string(2, s['x-kubernetes-int-or-string'] ? 'int-or-string' : s.format)
    .string(4, s.description)
    .strings(19, s.required);
  if (s.additionalProperties) m.message(21, new Message().message(1, schema(s.additionalProperties)));
  const type = s.type ?? (s.oneOf ? 'string' : undefined);
  if (type && !ref) m.message(22, new Message().strings(1, [type]));
  if (s.items) m.message(23, new Message().message(1, schema(s.items)));
  if (s.properties) {
    const named = Object.entries(s.properties).map(([name, p]) =>
      new Message().string(1, name).message(2, schema(p)),
    );
    m.message(25, new Message().messages(1, named));
  }
  return m.messages(31, extensions(s));
}

function parameter(p: Parameter): Message {
  const sub =
    p.in === 'path'
      ? new Message()
          .bool(1, true)
          .string(2, 'path')
          .string(3, p.description)
          .string(4, p.name)
          .string(5, p.schema.type ?? 'string')
      : new Message()
          .bool(1, p.required)
          .string(2, 'query')
          .string(3, p.description)
          .string(4, p.name)
          .string(6, p.schema.type ?? 'string');
  const nonBody = new Message().message(p.in === 'path' ? 4 : 3, sub);
  return new Message().message(1, new Message().message(2, nonBody));
}

function operation(op: Operation): Message {
  return new Message()
    .strings(1, op.tags)
    .string(3, op.description)
    .string(5, op.operationId)
    .messages(8, (op.parameters ?? []).map(parameter))
    .message(
      9,
      new Message().messages(1, [
        new Message().string(1, '200').message(2, new Message().message(1, new Message().string(1, 'OK'))),
      ]),
    )
    .messages(13, extensions(op));
}

const METHOD_FIELDS = { get: 2, put: 3, post: 4, delete: 5, patch: 8 } as const;

/** One v2 document for every group-version podlet serves, as kube-apiserver's /openapi/v2 covers them all. */
export function openApiV2Protobuf(documents: readonly OpenApiDocument[]): Buffer {
  const paths: Message[] = [];
  const definitions = new Map<string, Schema>();
  for (const doc of documents) {
    for (const [name, s] of Object.entries(doc.components.schemas)) definitions.set(name, s);
    for (const [path, item] of Object.entries(doc.paths)) {
      const pathItem = new Message();
      for (const [method, field] of Object.entries(METHOD_FIELDS)) {
        const op = item[method as keyof typeof METHOD_FIELDS];
        if (op) pathItem.message(field, operation(op));
      }
      pathItem.messages(9, (item.parameters ?? []).map(parameter));
      paths.push(new Message().string(1, path).message(2, pathItem));
    }
  }
  const named = [...definitions].map(([name, s]) => new Message().string(1, name).message(2, schema(s)));
  return new Message()
    .string(1, '2.0')
    .message(2, new Message().string(1, 'Kubernetes').string(2, 'v1.33.0'))
    .message(8, new Message().messages(2, paths))
    .message(9, new Message().messages(1, named))
    .encode();
}
