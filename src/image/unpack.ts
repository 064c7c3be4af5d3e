import { createHash } from 'node:crypto';
import { lutimesSync } from 'node:fs';
import { Readable } from 'node:stream';
import { decompressedStream } from './decompress.js';
import { SHA256 } from './digest.js';
import { applyEntry, type PendingDirectoryTimes } from './layer-entry.js';
import { forEachTarEntry } from './tar-entries.js';

export interface UnpackResult {
  /** sha256 of the uncompressed tar stream: what the image config lists in rootfs.diff_ids. */
  diffId: string;
  /** Bytes of the uncompressed tar stream. */
  size: number;
}

/**
 * Unpacks a layer tar (gzip-compressed or not) into target, an existing empty directory, as an overlayfs lower layer:
 * whiteouts become overlayfs whiteouts, and no entry can write outside target (see layer-path.ts). The caller checks
 * the returned diffID against the image config and throws target away on any error.
 */
export async function unpackLayer(source: AsyncIterable<Uint8Array>, target: string): Promise<UnpackResult> {
  const tarStream = await decompressedStream(source, 'layer');
  const hash = createHash(SHA256);
  let size = 0;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of tarStream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.byteLength;
      yield chunk;
    }
  }
  const directories: PendingDirectoryTimes[] = [];
  await forEachTarEntry(Readable.from(hashed(), { objectMode: false }), async (entry) => {
    const pending = await applyEntry(target, entry);
    if (pending !== undefined) directories.push(pending);
  });
  for (const { path, mtime } of directories) lutimesSync(path, mtime, mtime);
  return { diffId: `${SHA256}:${hash.digest('hex')}`, size };
}
