import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';

/** A tar header; PAX records (already applied to name, linkname and size by tar-stream) stay in pax. */
export type TarHeader = Header & { pax?: Record<string, string> | null };

export interface TarEntry {
  header: TarHeader;
  /** The entry's data (only regular files have any). */
  content: AsyncIterable<Uint8Array>;
  /** Skips whatever of the data has not been read. */
  skip(): void;
}

/**
 * Calls onEntry for each entry of a tar stream, one at a time, the next only once the previous has been handled.
 * An error from onEntry stops the reading and is thrown; so is a read error.
 */
export async function forEachTarEntry(
  source: Readable,
  onEntry: (entry: TarEntry) => Promise<void>,
): Promise<void> {
  const extract = tar.extract();
  // tar-stream's extractor is a streamx Writable: Node's pipeline drives it, only the typings don't say so.
  const piping = pipeline(source, extract as unknown as Writable);
  piping.catch(() => undefined); // awaited below; an onEntry error destroys the pipeline before that
  for await (const entry of extract) {
    await onEntry({ header: entry.header as TarHeader, content: bytesOf(entry), skip: () => entry.resume() });
  }
  await piping;
}

async function* bytesOf(stream: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('tar entry data is not bytes');
    yield chunk;
  }
}
