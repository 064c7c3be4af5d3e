// What encoding/json refuses when a body is decoded into a kind's Go struct, found from the kind's OpenAPI schema:
// a string where an object goes, a number in a string field, 1.5 in an integer. kube-apiserver answers 400 with the
// first such error; null decodes to the zero value and is never one. Pods have their own decoder (api/pod-schema).
import { schemaName } from './schema-ref.js';
import type { Schema } from './types.js';

const REF = '#/components/schemas/';

interface Cursor {
  /** The JSON names from the root, dotted, without indexes or keys: encoding/json's Field. */
  goPath: string;
  /** The innermost struct type, which encoding/json names first. */
  struct: string;
}

/** The detail of the first type error in `object` (`json: cannot unmarshal …`), or undefined. */
export function firstTypeError(
  schemas: ReadonlyMap<string, Schema>,
  group: string,
  version: string,
  kind: string,
  object: unknown,
): string | undefined {
  const root = schemas.get(schemaName(group, version, kind));
  if (root === undefined) return undefined;
  return check(schemas, root, object, { goPath: '', struct: kind });
}

function check(
  schemas: ReadonlyMap<string, Schema>,
  schema: Schema,
  value: unknown,
  at: Cursor,
): string | undefined {
  if (value === null) return undefined;
  const ref = refOf(schema);
  const s = (ref !== undefined ? schemas.get(ref) : undefined) ?? schema;
  const goType = goTypeOf(s, ref);
  if (s.oneOf !== undefined) {
    const fits = s.oneOf.some((option) => option.type === undefined || matchesType(option.type, value));
    return fits ? undefined : mismatch(value, goType, at);
  }
  if (s.type === undefined) return undefined;
  if (!matchesType(s.type, value)) return mismatch(value, goType, at);
  if (Array.isArray(value)) {
    const items = s.items;
    if (items === undefined) return undefined;
    for (const item of value) {
      const error = check(schemas, items, item, at);
      if (error !== undefined) return error;
    }
    return undefined;
  }
  if (s.type !== 'object') return undefined;
  return checkFields(
    schemas,
    s,
    value as Record<string, unknown>,
    ref === undefined ? at.struct : lastSegment(ref),
    at,
  );
}

function checkFields(
  schemas: ReadonlyMap<string, Schema>,
  s: Schema,
  value: Record<string, unknown>,
  struct: string,
  at: Cursor,
): string | undefined {
  for (const [key, v] of Object.entries(value)) {
    const property = s.additionalProperties ?? s.properties?.[key];
    if (property === undefined) continue;
    const goPath = s.additionalProperties ? at.goPath : at.goPath === '' ? key : `${at.goPath}.${key}`;
    const error = check(schemas, property, v, {
      goPath,
      struct: s.additionalProperties ? at.struct : struct,
    });
    if (error !== undefined) return error;
  }
  return undefined;
}

function matchesType(type: NonNullable<Schema['type']>, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    // int64 is the widest Go integer a field has; a fraction or 1e308 fits none.
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2 ** 63;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
  }
}

function mismatch(value: unknown, goType: string, at: Cursor): string {
  const field = at.goPath === '' ? at.struct : `${at.struct}.${at.goPath}`;
  return `json: cannot unmarshal ${jsonKind(value, goType)} into Go struct field ${field} of type ${goType}`;
}

// UnmarshalTypeError.Value: the JSON kind, and for a number that does not fit an integer, the literal too.
function jsonKind(value: unknown, goType: string): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return goType === 'int64' ? `number ${String(value)}` : 'number';
  return 'object';
}

function goTypeOf(s: Schema, ref: string | undefined): string {
  if (s['x-kubernetes-int-or-string']) return 'intstr.IntOrString';
  if (ref !== undefined && s.type === 'object') return `v1.${lastSegment(ref)}`;
  if (ref !== undefined && s.oneOf !== undefined) return lastSegment(ref);
  switch (s.type) {
    case 'integer':
      return 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${s.items?.type ?? 'interface {}'}`;
    case 'object':
      return s.additionalProperties
        ? `map[string]${s.additionalProperties.type ?? 'interface {}'}`
        : 'struct';
    default:
      return s.type ?? 'interface {}';
  }
}

function refOf(schema: Schema): string | undefined {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);
  return ref?.slice(REF.length);
}

function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}
