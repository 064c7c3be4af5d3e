import { join } from 'node:path';
import { ensureDir } from '../util/fs.js';
import { silentLogger, type Logger } from '../util/log.js';
import { readArchive, type ArchiveContents, type ArchiveImage } from './archive-reader.js';
import { ContentStore } from './content-store.js';
import { importDockerArchive } from './docker-archive-import.js';
import { ImageArchiveError, ImageInUseError, ImageNotFoundError } from './errors.js';
import { loadImageContent, type ImageContent } from './image-content.js';
import { findImage } from './image-lookup.js';
import { imageRecord, newestEntry } from './image-record.js';
import { LayerStore } from './layer-store.js';
import { NameStore, type NameEntry } from './name-store.js';
import { importOciLayout } from './oci-layout-import.js';
import { normalizeImageReference } from './reference.js';
import { StoreLock } from './store-lock.js';
import type { ImageRecord, PruneResult } from './types.js';

type NameMap = Map<string, NameEntry>;

/**
 * Podlet's images, the containerd way: a content store (blobs by digest), unpacked layers by chain ID, and names
 * (`images.json`) pointing at manifest digests. Content is immutable, so readers need no lock; import, remove and
 * prune hold the store lock. Removing a name leaves its blobs and layers for prune to collect.
 */
export class ImageStore {
  /** Parsed image documents by target digest; content never changes under a digest. */
  readonly #loaded = new Map<string, ImageContent>();

  private constructor(
    /** Where a registry download streams to (begin/append/commit), before storeImage names the result. */
    readonly content: ContentStore,
    private readonly layers: LayerStore,
    private readonly names: NameStore,
    private readonly lock: StoreLock,
    private readonly logger: Logger,
  ) {}

  static async open(root: string, logger: Logger = silentLogger): Promise<ImageStore> {
    await ensureDir(root);
    return new ImageStore(
      await ContentStore.open(root),
      await LayerStore.open(root),
      new NameStore(join(root, 'images.json')),
      new StoreLock(join(root, 'store.lock')),
      logger,
    );
  }

  /** By name, full ID, digest reference or unique ID prefix (see findImage); undefined when no image matches. */
  async get(reference: string): Promise<ImageRecord | undefined> {
    const entries = await this.names.read();
    const match = findImage(reference, entries);
    return match === undefined ? undefined : this.recordFor(match.id, entries);
  }

  async list(): Promise<ImageRecord[]> {
    const entries = await this.names.read();
    const ids = [...new Set([...entries.values()].map((entry) => entry.configDigest))].sort();
    const records: ImageRecord[] = [];
    for (const id of ids) records.push(await this.recordFor(id, entries));
    return records;
  }

  /** Imports an OCI archive or a `docker save` archive (detected from its contents); returns the images it named. */
  importArchive(file: string): Promise<ImageRecord[]> {
    return this.lock.run(async () => {
      const contents = await readArchive(file, this.content);
      try {
        const images = await archiveImages(contents, this.content);
        const named = images.filter((image) => image.names.length > 0);
        if (named.length === 0) {
          throw new ImageArchiveError(
            file,
            'the archive names no image (no ref.name annotation or RepoTags)',
          );
        }
        if (named.length < images.length) {
          this.logger.warn({ file, unnamed: images.length - named.length }, 'skipped images without a name');
        }
        return await this.unpackAndName(named);
      } finally {
        await contents.discard();
      }
    });
  }

  /**
   * Names an image whose blobs are already in the content store (a registry pull), unpacking its layers first.
   * Names are normalised; each one moves to this image if it pointed elsewhere.
   */
  storeImage(names: readonly string[], target: string): Promise<ImageRecord> {
    return this.lock.run(async () => {
      const normalized = names.map(normalizeImageReference);
      const [record] = await this.unpackAndName([{ names: normalized, target }]);
      if (record === undefined) throw new ImageNotFoundError(target);
      return record;
    });
  }

  /**
   * Removes the names a reference stands for (all of an image's names for an ID). Throws ImageNotFoundError, and
   * ImageInUseError when a container uses the image: its layers are that container's overlayfs lower directories.
   */
  remove(reference: string, inUse: ReadonlyMap<string, string> = new Map()): Promise<void> {
    return this.lock.run(async () => {
      const entries = await this.names.read();
      const match = findImage(reference, entries);
      if (match === undefined) throw new ImageNotFoundError(reference);
      const user = inUse.get(match.id);
      if (user !== undefined) throw new ImageInUseError(reference, match.id, user);
      for (const name of match.names) entries.delete(name);
      await this.names.write(entries);
      this.logger.info({ image: match.id, names: match.names }, 'removed image names');
    });
  }

  /** Removes every image whose ID is not in inUse, then all blobs and layers no remaining image needs. */
  prune(inUse: ReadonlySet<string> | ReadonlyMap<string, string>): Promise<PruneResult> {
    return this.lock.run(async () => {
      const entries = await this.names.read();
      const unused = new Set([...entries.values()].map((e) => e.configDigest).filter((id) => !inUse.has(id)));
      for (const [name, entry] of entries) if (unused.has(entry.configDigest)) entries.delete(name);
      if (unused.size > 0) await this.names.write(entries);
      const result = { removedImages: unused.size, ...(await this.collectGarbage(entries)) };
      this.logger.info(result, 'pruned images');
      return result;
    });
  }

  private async unpackAndName(images: readonly ArchiveImage[]): Promise<ImageRecord[]> {
    const ids = new Set<string>();
    for (const { target } of images) ids.add((await this.unpack(target)).configDigest);
    const entries = await this.names.read();
    const updated = new Date().toISOString();
    for (const { names, target } of images) {
      const configDigest = (await this.load(target)).configDigest;
      for (const name of names) entries.set(name, { manifestDigest: target, configDigest, updated });
      this.logger.info({ image: configDigest, names, manifest: target }, 'stored image');
    }
    await this.names.write(entries);
    const records: ImageRecord[] = [];
    for (const id of ids) records.push(await this.recordFor(id, entries));
    return records;
  }

  private async unpack(target: string): Promise<ImageContent> {
    const image = await this.load(target);
    for (const [i, layer] of image.manifest.layers.entries()) {
      const chainId = image.chainIds[i] ?? '';
      const parent = image.chainIds[i - 1];
      const source = { chainId, diffId: image.configFile.diffIds[i] ?? '', blobDigest: layer.digest };
      const unpacked = await this.layers.ensure(parent === undefined ? source : { ...source, parent }, () =>
        this.content.openRead(layer.digest),
      );
      if (unpacked) this.logger.debug({ layer: layer.digest, chainId }, 'unpacked layer');
    }
    return image;
  }

  private async collectGarbage(entries: NameMap): Promise<{ removedLayers: number; freedBytes: number }> {
    const blobs = new Set<string>();
    const chains = new Set<string>();
    for (const target of new Set([...entries.values()].map((e) => e.manifestDigest))) {
      const image = await this.load(target);
      for (const blob of image.blobs) blobs.add(blob.digest);
      for (const chainId of image.chainIds) chains.add(chainId);
    }
    let freedBytes = 0;
    for (const blob of await this.content.list()) {
      if (blobs.has(blob.digest)) continue;
      freedBytes += await this.content.delete(blob.digest);
      this.#loaded.delete(blob.digest);
    }
    let removedLayers = 0;
    for (const layer of await this.layers.list()) {
      if (chains.has(layer.chainId)) continue;
      freedBytes += await this.layers.remove(layer.chainId);
      removedLayers++;
    }
    await this.content.removeAbandonedIngestions();
    await this.layers.removeAbandonedUnpacks();
    return { removedLayers, freedBytes };
  }

  private async recordFor(id: string, entries: NameMap): Promise<ImageRecord> {
    const names = [...entries].filter(([, entry]) => entry.configDigest === id);
    const newest = newestEntry(names);
    if (newest === undefined) throw new ImageNotFoundError(id);
    return imageRecord(await this.load(newest.manifestDigest), names, (chainId) =>
      this.layers.diffDir(chainId),
    );
  }

  private async load(target: string): Promise<ImageContent> {
    let image = this.#loaded.get(target);
    if (image === undefined) {
      image = await loadImageContent(this.content, target);
      this.#loaded.set(target, image);
    }
    return image;
  }
}

function archiveImages(contents: ArchiveContents, content: ContentStore): Promise<ArchiveImage[]> {
  if (contents.document('oci-layout') !== undefined) return importOciLayout(contents, content);
  if (contents.document('manifest.json') !== undefined) return importDockerArchive(contents, content);
  throw new ImageArchiveError(
    contents.file,
    'neither an OCI layout (oci-layout, index.json) nor a docker archive (manifest.json)',
  );
}
