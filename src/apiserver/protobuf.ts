// Decodes the Kubernetes protobuf request bodies kubectl sends without a JSON fallback (`auth can-i`,
// `auth whoami`; docs: ../shared/spec/kubectl-api.md §7). Field numbers are those of the generated.proto
// files of k8s.io/api (authorization/v1, authentication/v1) and k8s.io/apimachinery (pkg/apis/meta/v1,
// pkg/runtime). Fields this module does not know are skipped, as a protobuf reader must.
import type { KubeObject } from '../api/object.js';

export const KUBERNETES_PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** runtime.Unknown, the message after the 4 magic bytes: the object's type and its own encoding in `raw`. */
export interface ProtobufEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

export class ProtobufDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtobufDecodeError';
  }
}

/** A well-formed envelope holding a kind podlet cannot decode: the caller answers 415 UnsupportedMediaType. */
export class UnsupportedProtobufKindError extends ProtobufDecodeError {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`no protobuf decoder for ${kind} in ${apiVersion || 'an empty apiVersion'}`);
    this.name = 'UnsupportedProtobufKindError';
  }
}

/**
 * How one field of a message becomes JSON. Go's generated marshallers write every non-pointer field, even
 * empty, and encoding/json then omits the empty ones (`omitempty`), so zero values are dropped here unless
 * the Go JSON tag keeps them (`keepZero`). A zero Time is JSON null in Go, so it is dropped too.
 */
type FieldType =
  | 'bytes'
  | 'string'
  | 'bool'
  | 'int64'
  | 'time'
  | 'strings'
  | 'stringMap'
  | 'bytesMap'
  | 'stringListMap'
  | { message: Schema }
  | { messages: Schema };

interface FieldSpec {
  name: string;
  type: FieldType;
  keepZero?: boolean;
}

type Schema = Readonly<Record<number, FieldSpec>>;

const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** A cursor over protobuf wire format (https://protobuf.dev/programming-guides/encoding/). */
class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new ProtobufDecodeError('truncated varint');
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, value);
    }
    throw new ProtobufDecodeError('varint longer than 10 bytes');
  }

  tag(): { field: number; wire: number } {
    const tag = this.varint();
    const field = Number(tag >> 3n);
    if (field === 0) throw new ProtobufDecodeError('field number 0');
    return { field, wire: Number(tag & 7n) };
  }

  bytes(): Uint8Array {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) {
      throw new ProtobufDecodeError(
        `length ${length} at offset ${this.pos} runs past the end of the message`,
      );
    }
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_BYTES) this.bytes();
    else if (wire === WIRE_FIXED64) this.advance(8);
    else if (wire === WIRE_FIXED32) this.advance(4);
    else throw new ProtobufDecodeError(`unsupported wire type ${wire}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.buf.length) throw new ProtobufDecodeError('truncated fixed-width field');
    this.pos += n;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (e) {
    throw new ProtobufDecodeError('a string field is not valid UTF-8', { cause: e });
  }
}

function wireTypeOf(type: FieldType): number {
  return type === 'bool' || type === 'int64' ? WIRE_VARINT : WIRE_BYTES;
}

/** Decodes one message into its JSON shape, following the schema; fields not in it are skipped. */
function decodeMessage(bytes: Uint8Array, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.tag();
    const spec = schema[field];
    if (spec === undefined) {
      reader.skip(wire);
      continue;
    }
    if (wire !== wireTypeOf(spec.type)) {
      throw new ProtobufDecodeError(`field ${spec.name} (${field}) has wire type ${wire}`);
    }
    readField(reader, spec, out);
  }
  return out;
}

function readField(reader: WireReader, spec: FieldSpec, out: Record<string, unknown>): void {
  const { name, type } = spec;
  if (type === 'bool') return setScalar(out, spec, reader.varint() !== 0n, false);
  if (type === 'int64') return setScalar(out, spec, Number(BigInt.asIntN(64, reader.varint())), 0);
  const bytes = reader.bytes();
  if (type === 'bytes') out[name] = bytes;
  else if (type === 'string') setScalar(out, spec, text(bytes), '');
  else if (type === 'time') {
    const time = decodeTime(bytes);
    if (time !== undefined) out[name] = time;
  } else if (type === 'strings') push(out, name, text(bytes));
  else if (type === 'stringMap') mapEntry(out, name, bytes, (v) => text(v));
  // map<string, bytes> is JSON base64, as encoding/json writes []byte.
  else if (type === 'bytesMap') mapEntry(out, name, bytes, (v) => Buffer.from(v).toString('base64'));
  else if (type === 'stringListMap')
    mapEntry(out, name, bytes, (v) => decodeMessage(v, EXTRA_VALUE).items ?? []);
  else if ('message' in type)
    out[name] = { ...(out[name] as object | undefined), ...decodeMessage(bytes, type.message) };
  else push(out, name, decodeMessage(bytes, type.messages));
}

function setScalar<T>(out: Record<string, unknown>, spec: FieldSpec, value: T, zero: T): void {
  if (value !== zero || spec.keepZero === true) out[spec.name] = value;
}

function push(out: Record<string, unknown>, name: string, value: unknown): void {
  const list = (out[name] as unknown[] | undefined) ?? [];
  list.push(value);
  out[name] = list;
}

/** A map field is a repeated entry message {1: key, 2: value}. */
function mapEntry(
  out: Record<string, unknown>,
  name: string,
  bytes: Uint8Array,
  value: (v: Uint8Array) => unknown,
) {
  const reader = new WireReader(bytes);
  let key = '';
  let raw: Uint8Array = new Uint8Array();
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (field === 1 && wire === WIRE_BYTES) key = text(reader.bytes());
    else if (field === 2 && wire === WIRE_BYTES) raw = reader.bytes();
    else reader.skip(wire);
  }
  const map = (out[name] as Record<string, unknown> | undefined) ?? {};
  map[key] = value(raw);
  out[name] = map;
}

/** meta/v1 Time {1: seconds, 2: nanos} as RFC 3339 with second precision, the way metav1.Time marshals. */
function decodeTime(bytes: Uint8Array): string | undefined {
  const { seconds } = decodeMessage(bytes, TIME) as { seconds?: number };
  if (seconds === undefined) return undefined;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function str(name: string): FieldSpec {
  return { name, type: 'string' };
}

const TIME: Schema = { 1: { name: 'seconds', type: 'int64' }, 2: { name: 'nanos', type: 'int64' } };
const EXTRA_VALUE: Schema = { 1: { name: 'items', type: 'strings' } };

// ownerReferences (13) and managedFields (17) are skipped: no request podlet decodes carries them.
const OBJECT_META: Schema = {
  1: str('name'),
  2: str('generateName'),
  3: str('namespace'),
  4: str('selfLink'),
  5: str('uid'),
  6: str('resourceVersion'),
  7: { name: 'generation', type: 'int64' },
  8: { name: 'creationTimestamp', type: 'time' },
  9: { name: 'deletionTimestamp', type: 'time' },
  10: { name: 'deletionGracePeriodSeconds', type: 'int64' },
  11: { name: 'labels', type: 'stringMap' },
  12: { name: 'annotations', type: 'stringMap' },
  14: { name: 'finalizers', type: 'strings' },
};

const SELECTOR_REQUIREMENT: Schema = {
  1: str('key'),
  2: str('operator'),
  3: { name: 'values', type: 'strings' },
};

const SELECTOR_ATTRIBUTES: Schema = {
  1: str('rawSelector'),
  2: { name: 'requirements', type: { messages: SELECTOR_REQUIREMENT } },
};

const RESOURCE_ATTRIBUTES: Schema = {
  1: str('namespace'),
  2: str('verb'),
  3: str('group'),
  4: str('version'),
  5: str('resource'),
  6: str('subresource'),
  7: str('name'),
  8: { name: 'fieldSelector', type: { message: SELECTOR_ATTRIBUTES } },
  9: { name: 'labelSelector', type: { message: SELECTOR_ATTRIBUTES } },
};

const SELF_SUBJECT_ACCESS_REVIEW: Schema = {
  1: { name: 'metadata', type: { message: OBJECT_META } },
  2: {
    name: 'spec',
    type: {
      message: {
        1: { name: 'resourceAttributes', type: { message: RESOURCE_ATTRIBUTES } },
        2: {
          name: 'nonResourceAttributes',
          type: { message: { 1: str('path'), 2: str('verb') } },
        },
      },
    },
  },
  3: {
    name: 'status',
    type: {
      message: {
        1: { name: 'allowed', type: 'bool', keepZero: true },
        4: { name: 'denied', type: 'bool' },
        2: str('reason'),
        3: str('evaluationError'),
      },
    },
  },
};

const SELF_SUBJECT_RULES_REVIEW: Schema = {
  1: { name: 'metadata', type: { message: OBJECT_META } },
  2: { name: 'spec', type: { message: { 1: str('namespace') } } },
};

const USER_INFO: Schema = {
  1: str('username'),
  2: str('uid'),
  3: { name: 'groups', type: 'strings' },
  4: { name: 'extra', type: 'stringListMap' },
};

const SELF_SUBJECT_REVIEW: Schema = {
  1: { name: 'metadata', type: { message: OBJECT_META } },
  2: { name: 'status', type: { message: { 1: { name: 'userInfo', type: { message: USER_INFO } } } } },
};

// The core kinds kubectl's typed `create` subcommands send as protobuf (core/v1 generated.proto).
const NAMESPACE: Schema = {
  1: { name: 'metadata', type: { message: OBJECT_META } },
  2: { name: 'spec', type: { message: { 1: { name: 'finalizers', type: 'strings' } } } },
};

const CONFIG_MAP: Schema = {
  1: { name: 'metadata', type: { message: OBJECT_META } },
  2: { name: 'data', type: 'stringMap' },
  3: { name: 'binaryData', type: 'bytesMap' },
  4: { name: 'immutable', type: 'bool', keepZero: true },
};

const SECRET: Schema = {
  1: { name: 'metadata', type: { message: OBJECT_META } },
  2: { name: 'data', type: 'bytesMap' },
  3: str('type'),
  4: { name: 'stringData', type: 'stringMap' },
  5: { name: 'immutable', type: 'bool', keepZero: true },
};

const SERVICE_ACCOUNT: Schema = {
  1: { name: 'metadata', type: { message: OBJECT_META } },
  3: { name: 'imagePullSecrets', type: { messages: { 1: str('name') } } },
  4: { name: 'automountServiceAccountToken', type: 'bool', keepZero: true },
};

// `kubectl create token` (authentication/v1 generated.proto); status is the server's to fill.
const TOKEN_REQUEST: Schema = {
  1: { name: 'metadata', type: { message: OBJECT_META } },
  2: {
    name: 'spec',
    type: {
      message: {
        1: { name: 'audiences', type: 'strings' },
        4: { name: 'expirationSeconds', type: 'int64' },
        3: {
          name: 'boundObjectRef',
          type: { message: { 1: str('kind'), 2: str('apiVersion'), 3: str('name'), 4: str('uid') } },
        },
      },
    },
  },
};

/** The kinds podlet reads as protobuf, by `apiVersion/kind`. */
const DECODERS: Readonly<Record<string, Schema>> = {
  'authorization.k8s.io/v1/SelfSubjectAccessReview': SELF_SUBJECT_ACCESS_REVIEW,
  'authorization.k8s.io/v1/SelfSubjectRulesReview': SELF_SUBJECT_RULES_REVIEW,
  'authentication.k8s.io/v1/SelfSubjectReview': SELF_SUBJECT_REVIEW,
  'authentication.k8s.io/v1beta1/SelfSubjectReview': SELF_SUBJECT_REVIEW,
  'authentication.k8s.io/v1/TokenRequest': TOKEN_REQUEST,
  'v1/Namespace': NAMESPACE,
  'v1/ConfigMap': CONFIG_MAP,
  'v1/Secret': SECRET,
  'v1/ServiceAccount': SERVICE_ACCOUNT,
};

const ENVELOPE: Schema = {
  1: {
    name: 'typeMeta',
    type: { message: { 1: str('apiVersion'), 2: str('kind') } },
  },
  2: { name: 'raw', type: 'bytes' },
  3: str('contentEncoding'),
  4: str('contentType'),
};

/** Splits a body into the type it declares and the object's bytes (apimachinery runtime/serializer/protobuf). */
export function decodeEnvelope(body: Uint8Array): ProtobufEnvelope {
  if (body.length < MAGIC.length || !MAGIC.every((b, i) => body[i] === b)) {
    throw new ProtobufDecodeError('the body does not start with the Kubernetes protobuf prefix "k8s\\0"');
  }
  const message = body.subarray(MAGIC.length);
  const fields = decodeMessage(message, ENVELOPE) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
    contentEncoding?: string;
    contentType?: string;
  };
  return {
    apiVersion: fields.typeMeta?.apiVersion ?? '',
    kind: fields.typeMeta?.kind ?? '',
    raw: fields.raw ?? new Uint8Array(),
    contentEncoding: fields.contentEncoding ?? '',
    contentType: fields.contentType ?? '',
  };
}

/** Decodes a `application/vnd.kubernetes.protobuf` body into the object kubectl would have sent as JSON. */
export function decodeKubernetesProtobuf(body: Uint8Array): KubeObject {
  const envelope = decodeEnvelope(body);
  if (envelope.contentEncoding !== '') {
    throw new ProtobufDecodeError(`unsupported content encoding ${JSON.stringify(envelope.contentEncoding)}`);
  }
  const schema = DECODERS[`${envelope.apiVersion}/${envelope.kind}`];
  if (schema === undefined) throw new UnsupportedProtobufKindError(envelope.apiVersion, envelope.kind);
  try {
    return { kind: envelope.kind, apiVersion: envelope.apiVersion, ...decodeMessage(envelope.raw, schema) };
  } catch (e) {
    throw new ProtobufDecodeError(`cannot decode ${envelope.kind}: ${(e as Error).message}`, { cause: e });
  }
}
