// The two protobuf messages of grpc.health.v1 (grpc/health/v1/health.proto) and gRPC's length-prefixed framing,
// by hand: HealthCheckRequest { string service = 1; } and HealthCheckResponse { ServingStatus status = 1; }.
import { encodeVarint } from '../../util/varint.js';

/** ServingStatus enum names, as Go's String() prints them. */
export const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

export class GrpcDecodeError extends Error {
  override readonly name = 'GrpcDecodeError';
}

/** A framed HealthCheckRequest: flag 0 (uncompressed), 4-byte big-endian length, message (proto3 omits ""). */
export function encodeHealthCheckRequest(service: string): Buffer {
  const name = Buffer.from(service);
  const message =
    name.length === 0
      ? Buffer.alloc(0)
      : Buffer.concat([Buffer.from([0x0a]), encodeVarint(name.length), name]);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/** The status number of the first framed HealthCheckResponse in `data` (0 when the field is absent). */
export function decodeHealthCheckResponse(data: Buffer): number {
  if (data.length < 5) throw new GrpcDecodeError('response frame too short');
  if (data[0] !== 0) throw new GrpcDecodeError('compressed response not supported');
  const length = data.readUInt32BE(1);
  const message = data.subarray(5, 5 + length);
  if (message.length < length) throw new GrpcDecodeError('response frame truncated');
  let status = 0;
  for (let at = 0; at < message.length;) {
    const key = readVarint(message, at);
    at = key.next;
    const field = key.value >>> 3;
    const wire = key.value & 7;
    if (wire === 0) {
      const value = readVarint(message, at);
      at = value.next;
      if (field === 1) status = value.value;
    } else if (wire === 2) {
      const len = readVarint(message, at);
      at = len.next + len.value;
    } else if (wire === 5) at += 4;
    else if (wire === 1) at += 8;
    else throw new GrpcDecodeError(`unsupported wire type ${wire}`);
  }
  return status;
}

/** Reads a varint of up to 32 significant bits (all this message needs). */
function readVarint(buf: Buffer, start: number): { value: number; next: number } {
  let value = 0;
  for (let i = 0, at = start; at < buf.length && i < 10; i++, at++) {
    const byte = buf[at] ?? 0;
    if (i < 5) value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value: value >>> 0, next: at + 1 };
  }
  throw new GrpcDecodeError('truncated varint');
}
