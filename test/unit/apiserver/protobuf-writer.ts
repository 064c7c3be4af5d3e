// A minimal protobuf writer for the decoder's tests, to build bodies the captures from kubectl do not cover.

export function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? byte : byte | 0x80);
  } while (v !== 0n);
  return out;
}

export function bytesField(field: number, payload: Uint8Array | number[] | string): number[] {
  const data = typeof payload === 'string' ? [...Buffer.from(payload, 'utf8')] : [...payload];
  return [...varint((field << 3) | 2), ...varint(data.length), ...data];
}

export function varintField(field: number, value: number | bigint): number[] {
  return [...varint(field << 3), ...varint(value)];
}

/** A map entry {1: key, 2: value}, the wire form of one key of a map field. */
export function mapEntryField(field: number, key: string, value: number[] | string): number[] {
  return bytesField(field, [...bytesField(1, key), ...bytesField(2, value)]);
}

/** The `k8s\0` prefix and runtime.Unknown {1: typeMeta, 2: raw} around an object's bytes. */
export function envelope(apiVersion: string, kind: string, raw: number[]): Uint8Array {
  const typeMeta = [...bytesField(1, apiVersion), ...bytesField(2, kind)];
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...bytesField(1, typeMeta), ...bytesField(2, raw)]);
}
