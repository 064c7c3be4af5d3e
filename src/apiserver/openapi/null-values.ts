// encoding/json's null: a struct field given null keeps its zero value (so it is absent once encoded again), and a
// null map value or list item becomes its type's zero value (`labels: {a: null}` is `a: ""`). Applied to a decoded
// body, from the kind's OpenAPI schema, so later code never meets a null where the Go type has none.
import { schemaName } from './schema-ref.js';
import type { Schema } from './types.js';

const REF = '#/components/schemas/';

export function dropNulls(
  schemas: ReadonlyMap<string, Schema>,
  group: string,
  version: string,
  kind: string,
  object: unknown,
): void {
  const root = schemas.get(schemaName(group, version, kind));
  if (root !== undefined) walk(schemas, root, object);
}

function walk(schemas: ReadonlyMap<string, Schema>, schema: Schema, value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const s = resolve(schemas, schema);
  if (Array.isArray(value)) {
    if (s.items === undefined) return;
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null) value[i] = zeroValue(resolve(schemas, s.items));
      else walk(schemas, s.items, value[i]);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) {
    const property = s.additionalProperties ?? s.properties?.[key];
    if (property === undefined) continue;
    if (v !== null) walk(schemas, property, v);
    else if (s.additionalProperties) record[key] = zeroValue(resolve(schemas, property));
    else delete record[key];
  }
}

function zeroValue(s: Schema): unknown {
  switch (s.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return {};
  }
}

function resolve(schemas: ReadonlyMap<string, Schema>, schema: Schema): Schema {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);
  return (ref !== undefined ? schemas.get(ref.slice(REF.length)) : undefined) ?? schema;
}
