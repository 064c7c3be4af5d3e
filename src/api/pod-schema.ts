// Strict decoding of a JSON/YAML Pod, as kube-apiserver does with fieldValidation=Strict (kubectl's default):
// a field of the wrong type fails the way encoding/json (sigs.k8s.io/json) words it, fields the schema
// (pod-schema-table.ts) does not know are collected as "unknown field" (runtime.NewStrictDecodingError).
import type { Pod } from 'kubernetes-types/core/v1.js';
import { type FieldError, typeInvalid } from './errors.js';
import { type FieldType, type ScalarType, podSchema } from './pod-schema-table.js';
import { quantityFormatError } from './quantity-format.js';

export interface PodDecodeResult {
  /** The input with null fields dropped (Go decodes null as the zero value); trust it only without errors. */
  pod: Pod;
  /** FieldValueTypeInvalid errors in document order; the detail is the decoder's message. */
  typeErrors: FieldError[];
  /** Paths of fields the schema does not know, as the strict decoder prints them: `spec.containers[0].imagee`. */
  unknownFields: string[];
}

interface Cursor {
  /** Strict-decoder path, with list indices: `spec.containers[0].ports`. */
  path: string;
  /** encoding/json's field stack, without indices: `spec.containers.ports`. */
  goPath: string;
  /** The innermost Go struct holding the field. */
  struct: string;
}

class Decoder {
  readonly typeErrors: FieldError[] = [];
  readonly unknownFields: string[] = [];

  decode(value: unknown, type: FieldType, at: Cursor): unknown {
    if (value === null) return undefined;
    if (typeof type === 'string') return this.scalar(value, type, at);
    if ('list' in type) return this.list(value, type.list, at);
    if ('map' in type) return this.map(value, type, at);
    return this.struct(value, type.struct, at);
  }

  struct(value: unknown, name: string, at: Cursor): unknown {
    if (!isPlainObject(value)) return this.mismatch(value, `v1.${name}`, at);
    const fields = podSchema[name] ?? {};
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const path = at.path ? `${at.path}.${key}` : key;
      const type = fields[key];
      if (type === undefined) {
        this.unknownFields.push(path);
        continue;
      }
      const goPath = at.goPath ? `${at.goPath}.${key}` : key;
      const decoded = this.decode(child, type, { path, goPath, struct: name });
      if (decoded !== undefined) out[key] = decoded;
    }
    return out;
  }

  private list(value: unknown, of: FieldType, at: Cursor): unknown {
    if (!Array.isArray(value)) return this.mismatch(value, `[]${goTypeName(of)}`, at);
    return value.map((item, i) => {
      const decoded = this.decode(item, of, { ...at, path: `${at.path}[${i}]` });
      return decoded === undefined ? zeroValue(of) : decoded;
    });
  }

  private map(value: unknown, type: { map: FieldType; goType: string }, at: Cursor): unknown {
    if (!isPlainObject(value)) return this.mismatch(value, type.goType, at);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const decoded = this.decode(item, type.map, { ...at, path: `${at.path}[${key}]` });
      out[key] = decoded === undefined ? zeroValue(type.map) : decoded;
    }
    return out;
  }

  private scalar(value: unknown, type: ScalarType, at: Cursor): unknown {
    switch (type) {
      case 'any':
        return value;
      case 'string':
        return typeof value === 'string' ? value : this.mismatch(value, 'string', at);
      case 'bool':
        return typeof value === 'boolean' ? value : this.mismatch(value, 'bool', at);
      case 'int32':
      case 'int64':
        return fitsInteger(value, type) ? value : this.mismatch(value, type, at);
      case 'quantity': {
        // resource.Quantity decodes itself, so its parse error replaces encoding/json's message.
        const error = quantityFormatError(value);
        if (error !== undefined) this.typeErrors.push(typeInvalid(at.path, value, error));
        return value;
      }
      case 'intOrString':
        return this.intOrString(value, at);
    }
  }

  // intstr.IntOrString.UnmarshalJSON: a string, or else whatever json.Unmarshal makes of it as an int32.
  private intOrString(value: unknown, at: Cursor): unknown {
    if (typeof value === 'string' || fitsInteger(value, 'int32')) return value;
    const detail = `json: cannot unmarshal ${jsonKind(value, 'int32')} into Go value of type int32`;
    this.typeErrors.push(typeInvalid(at.path, value, detail));
    return value;
  }

  private mismatch(value: unknown, goType: string, at: Cursor): unknown {
    const kind = jsonKind(value, goType);
    const detail = `json: cannot unmarshal ${kind} into Go struct field ${at.struct}.${at.goPath} of type ${goType}`;
    this.typeErrors.push(typeInvalid(at.path, value, detail));
    return value;
  }
}

/** Decodes a parsed JSON/YAML object as a v1 Pod, reporting type errors and unknown fields. */
export function decodePod(obj: unknown): PodDecodeResult {
  const decoder = new Decoder();
  if (!isPlainObject(obj)) {
    const detail = `json: cannot unmarshal ${jsonKind(obj, 'v1.Pod')} into Go value of type v1.Pod`;
    return { pod: {}, typeErrors: [typeInvalid('', obj, detail)], unknownFields: [] };
  }
  const pod = decoder.struct(obj, 'Pod', { path: '', goPath: '', struct: 'Pod' }) as Pod;
  return { pod, typeErrors: decoder.typeErrors, unknownFields: decoder.unknownFields };
}

/**
 * The message kube-apiserver answers (400 BadRequest) when a Pod body does not decode: the first type error
 * wins over unknown fields, which are only reported when the object otherwise decodes.
 */
export function podDecodeErrorMessage(result: PodDecodeResult): string | undefined {
  const prefix = 'Pod in version "v1" cannot be handled as a Pod: ';
  const first = result.typeErrors[0];
  if (first !== undefined) return prefix + (first.detail ?? '');
  if (result.unknownFields.length === 0) return undefined;
  const fields = result.unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ');
  return `${prefix}strict decoding error: ${fields}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const intRange = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 63), 2 ** 63 - 1] } as const;

function fitsInteger(value: unknown, type: 'int32' | 'int64'): boolean {
  const [lo, hi] = intRange[type];
  return typeof value === 'number' && Number.isInteger(value) && value >= lo && value <= hi;
}

// UnmarshalTypeError.Value: the JSON kind, and for a number that does not fit an integer type, the literal too.
function jsonKind(value: unknown, goType: string): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return /^int(32|64)$/.test(goType) ? `number ${String(value)}` : 'number';
  return 'object';
}

function goTypeName(type: FieldType): string {
  if (typeof type === 'string') {
    const scalarNames: Record<ScalarType, string> = {
      string: 'string',
      int32: 'int32',
      int64: 'int64',
      bool: 'bool',
      quantity: 'resource.Quantity',
      intOrString: 'intstr.IntOrString',
      any: 'interface {}',
    };
    return scalarNames[type];
  }
  if ('list' in type) return `[]${goTypeName(type.list)}`;
  if ('map' in type) return type.goType;
  return `v1.${type.struct}`;
}

function zeroValue(type: FieldType): unknown {
  if (type === 'string') return '';
  if (type === 'quantity') return '0';
  if (type === 'int32' || type === 'int64') return 0;
  if (type === 'bool') return false;
  if (typeof type === 'object' && 'struct' in type) return {};
  return undefined;
}
