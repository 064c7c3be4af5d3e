// SPDY/3 name/value header blocks (section 2.6.10): a count, then length-prefixed names and values, compressed
// with zlib primed by the SPDY dictionary. Each direction of a session is ONE zlib stream: every block is a
// Z_SYNC_FLUSH of the same deflate (or inflate) context, so blocks must be handled strictly in wire order.
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { SpdyProtocolError } from './frames.js';

/** Header names are lower case on the wire; a value with several parts keeps its NUL separators. */
export type HeaderMap = Record<string, string>;

/** A header block is bounded so that a hostile peer cannot make the session inflate without end. */
const MAX_HEADER_BLOCK = 1 << 20;

export function encodeHeaderBlock(headers: HeaderMap): Buffer {
  const parts: Buffer[] = [u32(Object.keys(headers).length)];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): HeaderMap {
  const headers: HeaderMap = {};
  let offset = 0;
  const take = (): Buffer => {
    if (offset + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const length = block.readUInt32BE(offset);
    if (offset + 4 + length > block.length) throw new SpdyProtocolError('truncated header block');
    offset += 4 + length;
    return block.subarray(offset - length, offset);
  };
  if (block.length < 4) throw new SpdyProtocolError('truncated header block');
  const count = block.readUInt32BE(0);
  offset = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toString('utf8').toLowerCase();
    headers[name] = take().toString('utf8');
  }
  return headers;
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/** Runs one zlib stream as a series of sync-flushed chunks, one at a time, in call order. */
class FlushedZlib {
  private queue: Promise<unknown> = Promise.resolve();
  private collected: Buffer[] = [];
  private size = 0;
  private failure: Error | undefined;

  constructor(private readonly zlib: Deflate | Inflate) {
    zlib.on('data', (chunk: Buffer) => {
      this.collected.push(chunk);
      this.size += chunk.length;
      if (this.size > MAX_HEADER_BLOCK)
        this.failure = new Error(`header block over ${MAX_HEADER_BLOCK} bytes`);
    });
    zlib.on('error', (err) => (this.failure = err));
  }

  process(input: Buffer): Promise<Buffer> {
    const result = this.queue.then(() => this.flushed(input));
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.zlib.destroy();
  }

  private flushed(input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      // A failing zlib stream never calls the flush callback back: its error settles the block instead.
      const failed = (err: Error) => reject(err);
      this.zlib.once('error', failed);
      this.zlib.write(input);
      this.zlib.flush(constants.Z_SYNC_FLUSH, () => {
        this.zlib.off('error', failed);
        const out = Buffer.concat(this.collected);
        this.collected = [];
        this.size = 0;
        if (this.failure) reject(this.failure);
        else resolve(out);
      });
    });
  }
}

/** The two header contexts of one session: ours (deflate) and the peer's (inflate). */
export class HeaderCodec {
  private readonly deflate = new FlushedZlib(
    createDeflate({ dictionary: SPDY3_DICTIONARY, level: constants.Z_DEFAULT_COMPRESSION }),
  );
  private readonly inflate = new FlushedZlib(createInflate({ dictionary: SPDY3_DICTIONARY }));

  compress(headers: HeaderMap): Promise<Buffer> {
    return this.deflate.process(encodeHeaderBlock(headers));
  }

  async decompress(block: Buffer): Promise<HeaderMap> {
    let raw: Buffer;
    try {
      raw = await this.inflate.process(block);
    } catch (err) {
      throw new SpdyProtocolError(`header block does not inflate: ${(err as Error).message}`);
    }
    return decodeHeaderBlock(raw);
  }

  close(): void {
    this.deflate.close();
    this.inflate.close();
  }
}
