import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import {
  verifyContent,
  type BlobInfo,
  type ContentStore,
  type ExpectedContent,
  type Ingestion,
} from './content-store.js';
import { decompressedStream } from './decompress.js';
import { ImageArchiveError, InvalidImageNameError, messageOf } from './errors.js';
import { MAX_DOCUMENT_BYTES } from './oci.js';
import { normalizeImageReference } from './reference.js';
import { forEachTarEntry } from './tar-entries.js';

/** Top-level files that describe an archive (OCI layout or `docker save`): kept in memory, never stored as blobs. */
const DOCUMENTS = new Set(['index.json', 'oci-layout', 'manifest.json', 'repositories']);
const MAX_LINK_HOPS = 16;

/** An image found in an archive, its content committed: the names it is to get and the digest they point at. */
export interface ArchiveImage {
  names: string[];
  /** Digest of the image's manifest (or index). */
  target: string;
}

/**
 * An image archive read in one pass: each file streamed into an uncommitted ingestion (so the archive is read once
 * and its blobs never copied twice), its describing documents in memory. Only the files an image refers to are
 * committed to the content store; discard() drops the rest.
 */
export class ArchiveContents {
  readonly #committed = new Map<string, BlobInfo>();

  constructor(
    readonly file: string,
    private readonly content: ContentStore,
    private readonly files: ReadonlyMap<string, Ingestion>,
    private readonly documents: ReadonlyMap<string, Buffer>,
    private readonly links: ReadonlyMap<string, string>,
  ) {}

  document(name: string): Buffer | undefined {
    return this.documents.get(name);
  }

  /** Commits the archive file at path to the content store, verified; a file shared by several images commits once. */
  async commit(path: string, what: string, expected: ExpectedContent = {}): Promise<BlobInfo> {
    const resolved = this.resolve(path, what);
    const done = this.#committed.get(resolved);
    if (done !== undefined) {
      verifyContent(what, expected, done);
      return done;
    }
    const ingestion = this.files.get(resolved);
    if (ingestion === undefined) {
      throw new ImageArchiveError(this.file, `${what}: ${path} is not in the archive`);
    }
    const info = await this.content.commit(ingestion, what, expected);
    this.#committed.set(resolved, info);
    return info;
  }

  async discard(): Promise<void> {
    for (const ingestion of this.files.values()) await ingestion.abort();
  }

  private resolve(path: string, what: string): string {
    let current = archivePath(path);
    for (let hops = 0; hops < MAX_LINK_HOPS; hops++) {
      const target = this.links.get(current);
      if (target === undefined) return current;
      current = target;
    }
    throw new ImageArchiveError(this.file, `${what}: ${path} is a chain of more than ${MAX_LINK_HOPS} links`);
  }
}

/** Reads an image archive (plain or gzip-compressed tar) into uncommitted ingestions. */
export async function readArchive(file: string, content: ContentStore): Promise<ArchiveContents> {
  const files = new Map<string, Ingestion>();
  const documents = new Map<string, Buffer>();
  const links = new Map<string, string>();
  try {
    const tarStream = await decompressedStream(createReadStream(file), file);
    await forEachTarEntry(tarStream, async ({ header, content: data, skip }) => {
      const path = archivePath(header.name);
      switch (header.type) {
        case 'file':
        case 'contiguous-file':
          if (DOCUMENTS.has(path)) documents.set(path, await readDocument(path, data));
          else {
            // A later entry of the same name replaces an earlier one, as when tar extracts
            await files.get(path)?.abort();
            files.set(path, await ingestFile(content, data));
          }
          break;
        case 'symlink':
          links.set(path, symlinkTarget(path, header.linkname));
          break;
        case 'link':
          links.set(path, archivePath(header.linkname));
          break;
        default:
          skip();
      }
    });
  } catch (e) {
    for (const ingestion of files.values()) await ingestion.abort();
    throw e instanceof ImageArchiveError ? e : new ImageArchiveError(file, messageOf(e), { cause: e });
  }
  return new ArchiveContents(file, content, files, documents, links);
}

/** Normalises the image names an archive gives; `where` says where in the archive they came from. */
export function normalizeArchiveNames(file: string, names: readonly string[], where: string): string[] {
  return names.map((name) => {
    try {
      return normalizeImageReference(name);
    } catch (e) {
      if (!(e instanceof InvalidImageNameError)) throw e;
      throw new ImageArchiveError(file, `image name "${name}" in ${where}: ${e.message}`, { cause: e });
    }
  });
}

/**
 * A name inside the archive, normalised as a key. `..` is clamped at the archive root: these paths only name files in
 * the archive to one another and are never used to write to disk.
 */
function archivePath(name: string): string {
  return posix.normalize(`/${name}`).slice(1).replace(/\/$/, '');
}

function symlinkTarget(path: string, linkname: string): string {
  return archivePath(linkname.startsWith('/') ? linkname : posix.join(posix.dirname(path), linkname));
}

async function ingestFile(content: ContentStore, entry: AsyncIterable<Uint8Array>): Promise<Ingestion> {
  const ingestion = await content.begin();
  try {
    await ingestion.append(entry);
    await ingestion.close();
    return ingestion;
  } catch (e) {
    await ingestion.abort();
    throw e;
  }
}

async function readDocument(path: string, entry: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry) {
    size += chunk.byteLength;
    if (size > MAX_DOCUMENT_BYTES) throw new Error(`${path} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
