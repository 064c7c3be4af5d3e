// A cursor over protobuf wire format (https://protobuf.dev/programming-guides/encoding/).
import { ProtobufDecodeError } from './errors.js';

export interface Tag {
  field: number;
  wire: number;
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class WireReader {
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

  /** A signed varint as a JS number: int32 and int64 are both written sign-extended to 64 bits. */
  int(): number {
    return Number(BigInt.asIntN(64, this.varint()));
  }

  tag(): Tag {
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

  string(): string {
    try {
      return utf8.decode(this.bytes());
    } catch (e) {
      if (e instanceof ProtobufDecodeError) throw e;
      throw new ProtobufDecodeError('a string field is not valid UTF-8', { cause: e });
    }
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
