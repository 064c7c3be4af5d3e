// Decodes the Kubernetes protobuf request bodies kubectl sends without a JSON fallback (`auth can-i`,
// `auth whoami`, typed `create`, `debug --copy-to` and `debug node/NAME`; docs: ../shared/spec/kubectl-api.md
// §7): the `k8s\0` envelope here, the messages by the schema tables of ./protobuf/.
import type { KubeObject } from '../api/object.js';
import { decodeMessage } from './protobuf/decode.js';
import { ProtobufDecodeError, UnsupportedProtobufKindError } from './protobuf/errors.js';
import { DECODERS } from './protobuf/kinds.js';
import { WIRE_BYTES, WireReader } from './protobuf/wire-reader.js';

export { ProtobufDecodeError, UnsupportedProtobufKindError } from './protobuf/errors.js';

export const KUBERNETES_PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** runtime.Unknown, the message after the 4 magic bytes: the object's type and its own encoding in `raw`. */
export interface ProtobufEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** Splits a body into the type it declares and the object's bytes (apimachinery runtime/serializer/protobuf). */
export function decodeEnvelope(body: Uint8Array): ProtobufEnvelope {
  if (body.length < MAGIC.length || !MAGIC.every((b, i) => body[i] === b)) {
    throw new ProtobufDecodeError('the body does not start with the Kubernetes protobuf prefix "k8s\\0"');
  }
  const envelope: ProtobufEnvelope = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array(),
    contentEncoding: '',
    contentType: '',
  };
  const reader = new WireReader(body.subarray(MAGIC.length));
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (wire !== WIRE_BYTES) reader.skip(wire);
    else if (field === 1) Object.assign(envelope, decodeTypeMeta(reader.bytes()));
    else if (field === 2) envelope.raw = reader.bytes();
    else if (field === 3) envelope.contentEncoding = reader.string();
    else if (field === 4) envelope.contentType = reader.string();
    else reader.skip(wire);
  }
  return envelope;
}

/** runtime.TypeMeta {1: apiVersion, 2: kind}. */
function decodeTypeMeta(bytes: Uint8Array): { apiVersion?: string; kind?: string } {
  return decodeMessage(bytes, {
    1: { name: 'apiVersion', type: 'string' },
    2: { name: 'kind', type: 'string' },
  }) as { apiVersion?: string; kind?: string };
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
