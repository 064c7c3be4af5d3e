import { Decompress } from 'fzstd';
import { pipeline, Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MalformedImageError } from './errors.js';

export type Compression = 'gzip' | 'zstd' | 'none';

const MAGIC_LENGTH = 4;

/** Media types announce compression, but the bytes are what counts (containerd's compression.DetectCompression). */
export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** A tar stream that may be gzip- or zstd-compressed, as plain tar. */
export async function decompressedStream(source: AsyncIterable<Uint8Array>, what: string): Promise<Readable> {
  const { head, stream } = await sniff(source);
  const compression = detectCompression(head);
  if (compression === 'none') return stream;
  const decoder = compression === 'gzip' ? createGunzip() : zstdDecoder(what);
  // pipeline destroys the returned decoder with the source's error, so its reader sees every failure
  return pipeline(stream, decoder, () => undefined);
}

/** Node 20's zlib has no zstd (it came in Node 22.15), so zstd layers go through fzstd's streaming decoder. */
function zstdDecoder(what: string): Transform {
  let push: (chunk: Uint8Array) => void = () => undefined;
  const decoder = new Decompress((chunk) => push(chunk));
  const fail = (e: unknown) =>
    new MalformedImageError(what, `is not valid zstd: ${e instanceof Error ? e.message : String(e)}`);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      push = (out) => this.push(Buffer.from(out));
      try {
        decoder.push(chunk);
        done();
      } catch (e) {
        done(fail(e));
      }
    },
    flush(done) {
      push = (out) => this.push(Buffer.from(out));
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (e) {
        done(fail(e));
      }
    },
  });
}

/** Reads just enough of the stream to see its magic bytes, and hands back a stream that still starts at byte 0. */
async function sniff(source: AsyncIterable<Uint8Array>): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let finished = false;
  while (length < MAGIC_LENGTH && !finished) {
    const next = await iterator.next();
    if (next.done === true) finished = true;
    else {
      chunks.push(Buffer.from(next.value));
      length += next.value.byteLength;
    }
  }
  const head = Buffer.concat(chunks);
  const remaining: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => iterator };
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield head;
    if (!finished) yield* remaining;
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
}
