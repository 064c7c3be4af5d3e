import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ensureDir, isNotFound } from '../util/fs.js';
import { digestHex, digestsNamed, isSha256Digest, SHA256 } from './digest.js';
import { ContentVerificationError, MalformedImageError } from './errors.js';
import { removeAbandonedTemps, tempName } from './temp-names.js';

export interface BlobInfo {
  digest: string;
  size: number;
}

/** What the writer was told the content is (a descriptor); either part may be unknown, as for a file in a docker archive. */
export interface ExpectedContent {
  digest?: string;
  size?: number;
}

/**
 * Content being written: a temp file under `ingest/`, hashed as it is written. Nothing is visible under a digest until
 * ContentStore.commit has verified it. A registry download appends its response body (several times when it resumes
 * after a dropped connection); an archive import appends one tar entry.
 */
export class Ingestion {
  readonly #hash: Hash = createHash(SHA256);
  #size = 0;
  #handle: FileHandle | undefined;

  private constructor(
    readonly path: string,
    handle: FileHandle,
  ) {
    this.#handle = handle;
  }

  static async create(dir: string): Promise<Ingestion> {
    const path = join(dir, tempName());
    return new Ingestion(path, await open(path, 'wx', 0o644));
  }

  get size(): number {
    return this.#size;
  }

  /** The digest of what has been written so far. */
  digest(): string {
    return `${SHA256}:${this.#hash.copy().digest('hex')}`;
  }

  async append(source: AsyncIterable<Uint8Array>): Promise<void> {
    if (this.#handle === undefined) throw new Error(`ingestion ${this.path} is closed`);
    for await (const chunk of source) {
      await this.#handle.write(chunk);
      this.#hash.update(chunk);
      this.#size += chunk.byteLength;
    }
  }

  /** Flushes the file to disk; appending after this is an error. */
  async close(): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async abort(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    await rm(this.path, { force: true });
  }
}

/** Throws ContentVerificationError unless the content is what it was announced as. */
export function verifyContent(what: string, expected: ExpectedContent, actual: BlobInfo): void {
  if (expected.size !== undefined && expected.size !== actual.size) {
    throw new ContentVerificationError(`${what}: size`, String(expected.size), String(actual.size));
  }
  if (expected.digest !== undefined && expected.digest !== actual.digest) {
    throw new ContentVerificationError(`${what}: digest`, expected.digest, actual.digest);
  }
}

/** Blobs by digest under `blobs/sha256/<hex>` (containerd's content store), written only through an Ingestion. */
export class ContentStore {
  private constructor(
    private readonly blobsDir: string,
    private readonly ingestDir: string,
  ) {}

  static async open(root: string): Promise<ContentStore> {
    const store = new ContentStore(join(root, 'blobs', SHA256), join(root, 'ingest'));
    await ensureDir(store.blobsDir);
    await ensureDir(store.ingestDir);
    return store;
  }

  blobPath(digest: string): string {
    return join(this.blobsDir, digestHex(digest));
  }

  async stat(digest: string): Promise<BlobInfo | undefined> {
    try {
      return { digest, size: (await stat(this.blobPath(digest))).size };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  begin(): Promise<Ingestion> {
    return Ingestion.create(this.ingestDir);
  }

  /**
   * Verifies the ingestion against what was expected and moves it under its digest. Content already stored is not
   * rewritten. On a mismatch the temp file is removed and nothing is stored. `what` names the content in errors.
   */
  async commit(ingestion: Ingestion, what: string, expected: ExpectedContent = {}): Promise<BlobInfo> {
    try {
      await ingestion.close();
      const actual = { digest: ingestion.digest(), size: ingestion.size };
      verifyContent(what, expected, actual);
      if ((await this.stat(actual.digest)) === undefined)
        await rename(ingestion.path, this.blobPath(actual.digest));
      return actual;
    } finally {
      await ingestion.abort();
    }
  }

  /** Writes a whole stream as one blob (begin, append, commit). */
  async ingest(
    source: AsyncIterable<Uint8Array>,
    what: string,
    expected: ExpectedContent = {},
  ): Promise<BlobInfo> {
    if (expected.digest !== undefined && !isSha256Digest(expected.digest)) {
      throw new MalformedImageError(what, `unsupported digest ${expected.digest}`);
    }
    const ingestion = await this.begin();
    try {
      await ingestion.append(source);
    } catch (e) {
      await ingestion.abort();
      throw e;
    }
    return this.commit(ingestion, what, expected);
  }

  /** Reads a small blob (manifest, index, config) whole; refuses one larger than maxBytes. */
  async read(digest: string, maxBytes: number): Promise<Buffer> {
    const handle = await open(this.blobPath(digest), 'r');
    try {
      const { size } = await handle.stat();
      if (size > maxBytes)
        throw new MalformedImageError(digest, `${size} bytes is more than the ${maxBytes} allowed`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** The first bytes of a blob, to sniff its compression. */
  async head(digest: string, length: number): Promise<Buffer> {
    const handle = await open(this.blobPath(digest), 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  openRead(digest: string): Readable {
    return createReadStream(this.blobPath(digest));
  }

  async list(): Promise<BlobInfo[]> {
    const infos = await Promise.all(
      digestsNamed(await readdir(this.blobsDir)).map((digest) => this.stat(digest)),
    );
    return infos.filter((info) => info !== undefined);
  }

  /** Deletes a blob; returns the bytes freed (0 if it was already gone). */
  async delete(digest: string): Promise<number> {
    const info = await this.stat(digest);
    if (info === undefined) return 0;
    await rm(this.blobPath(digest), { force: true });
    return info.size;
  }

  removeAbandonedIngestions(): Promise<number> {
    return removeAbandonedTemps(this.ingestDir);
  }
}
