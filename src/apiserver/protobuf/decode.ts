// Decodes one protobuf message into its JSON object by a schema table; fields not in the table are skipped,
// as a protobuf reader must.
import { ProtobufDecodeError } from './errors.js';
import type { FieldSpec, Schema, ValueType } from './schema.js';
import { WIRE_BYTES, WIRE_VARINT, WireReader } from './wire-reader.js';

type JsonObject = Record<string, unknown>;

export function decodeMessage(bytes: Uint8Array, schema: Schema): JsonObject {
  const out: JsonObject = {};
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.tag();
    const spec = schema[field];
    if (spec === undefined) reader.skip(wire);
    else readField(reader, wire, spec, out, field);
  }
  return out;
}

function isVarint(type: ValueType): boolean {
  return type === 'bool' || type === 'int';
}

function readField(reader: WireReader, wire: number, spec: FieldSpec, out: JsonObject, field: number): void {
  const varint = isVarint(spec.type);
  // A repeated number may come packed (one length-delimited run of varints), which every reader must accept.
  if (spec.kind === 'repeated' && varint && wire === WIRE_BYTES) {
    const packed = new WireReader(reader.bytes());
    while (!packed.done) push(out, spec.name, scalar(packed, spec.type));
    return;
  }
  const expected = varint && spec.kind !== 'map' && spec.kind !== 'inline' ? WIRE_VARINT : WIRE_BYTES;
  if (wire !== expected) {
    throw new ProtobufDecodeError(`field ${spec.name || 'inline'} (${field}) has wire type ${wire}`);
  }
  if (spec.kind === 'repeated') push(out, spec.name, value(reader, spec.type));
  else if (spec.kind === 'map') mapEntry(reader.bytes(), spec, out);
  else if (spec.kind === 'inline') Object.assign(out, decodeMessage(reader.bytes(), asSchema(spec)));
  else setSingle(out, spec, value(reader, spec.type));
}

function asSchema(spec: FieldSpec): Schema {
  if (typeof spec.type === 'string') throw new ProtobufDecodeError(`inline field of type ${spec.type}`);
  return spec.type;
}

/** A singular field; a message seen twice merges, as protobuf parsers do. */
function setSingle(out: JsonObject, spec: FieldSpec, v: unknown): void {
  if (typeof spec.type === 'object') {
    out[spec.name] = { ...(out[spec.name] as JsonObject | undefined), ...(v as JsonObject) };
  } else if (spec.keepZero === true || !isZero(v)) out[spec.name] = v;
}

function isZero(v: unknown): boolean {
  return v === '' || v === false || v === 0;
}

function push(out: JsonObject, name: string, v: unknown): void {
  const list = (out[name] as unknown[] | undefined) ?? [];
  list.push(v);
  out[name] = list;
}

/** A map field is a repeated entry message {1: key, 2: value}; an entry without a value holds the zero. */
function mapEntry(bytes: Uint8Array, spec: FieldSpec, out: JsonObject): void {
  const reader = new WireReader(bytes);
  let key = '';
  let v: unknown;
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (field === 1 && wire === WIRE_BYTES) key = reader.string();
    else if (field === 2 && wire === (isVarint(spec.type) ? WIRE_VARINT : WIRE_BYTES))
      v = value(reader, spec.type);
    else reader.skip(wire);
  }
  const map = (out[spec.name] as JsonObject | undefined) ?? {};
  map[key] = v ?? value(new WireReader(ZERO_VALUE), spec.type);
  out[spec.name] = map;
}

/** A single 0 byte reads as the zero of every type: varint 0, or an empty string or message. */
const ZERO_VALUE = Uint8Array.of(0);

function scalar(reader: WireReader, type: ValueType): unknown {
  return type === 'bool' ? reader.varint() !== 0n : reader.int();
}

/** Reads the value at the cursor. */
function value(reader: WireReader, type: ValueType): unknown {
  if (isVarint(type)) return scalar(reader, type);
  if (type === 'string') return reader.string();
  const bytes = reader.bytes();
  if (typeof type === 'object') return decodeMessage(bytes, type);
  switch (type) {
    case 'bytes':
      return Buffer.from(bytes).toString('base64');
    case 'time':
      return decodeTime(bytes);
    case 'quantity':
      return (decodeMessage(bytes, QUANTITY) as { string?: string }).string ?? '0';
    case 'intOrString':
      return decodeIntOrString(bytes);
    case 'fieldsV1':
      return decodeFieldsV1(bytes);
    default:
      return (decodeMessage(bytes, STRING_LIST) as { items?: string[] }).items ?? [];
  }
}

const QUANTITY: Schema = { 1: { name: 'string', type: 'string' } };
const STRING_LIST: Schema = { 1: { name: 'items', type: 'string', kind: 'repeated' } };
const TIMESTAMP: Schema = { 1: { name: 'seconds', type: 'int', keepZero: true } };
const INT_OR_STRING: Schema = {
  1: { name: 'type', type: 'int' },
  2: { name: 'intVal', type: 'int' },
  3: { name: 'strVal', type: 'string' },
};

/**
 * meta/v1 Time {1: seconds, 2: nanos} as metav1.Time marshals to JSON: RFC 3339 in UTC to the second. A zero
 * time is an empty message on the wire and JSON null (metav1.Time.Marshal and MarshalJSON), the
 * `"creationTimestamp": null` of every object a client sends.
 */
function decodeTime(bytes: Uint8Array): string | null {
  const { seconds } = decodeMessage(bytes, TIMESTAMP) as { seconds?: number };
  if (seconds === undefined) return null;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** util/intstr IntOrString: type 1 is a string, anything else the int32 (the Go zero value is int 0). */
function decodeIntOrString(bytes: Uint8Array): number | string {
  const v = decodeMessage(bytes, INT_OR_STRING) as { type?: number; intVal?: number; strVal?: string };
  return v.type === 1 ? (v.strVal ?? '') : (v.intVal ?? 0);
}

/** managedFields' fieldsV1 is JSON kept as raw bytes; its JSON form is that JSON itself. */
function decodeFieldsV1(bytes: Uint8Array): unknown {
  const reader = new WireReader(bytes);
  let raw: Uint8Array | undefined;
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (field === 1 && wire === WIRE_BYTES) raw = reader.bytes();
    else reader.skip(wire);
  }
  if (raw === undefined) return {};
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown;
  } catch (e) {
    throw new ProtobufDecodeError('fieldsV1 does not hold JSON', { cause: e });
  }
}
