// An image pull as containerd's CRI plugin does it: resolve the reference, store the manifest documents, download the
// config and layers a few at a time (skipping content already present), then unpack and name the image.
import type { BlobInfo } from '../content-store.js';
import { formatImageReference, parseImageReference, withDefaultTag } from '../reference.js';
import type { ImageStore } from '../store.js';
import type { ImageRecord } from '../types.js';
import type { RegistryClient } from './client.js';

export type BlobStatus = 'waiting' | 'downloading' | 'exists' | 'done';

export interface BlobProgress {
  digest: string;
  /** `config` or `layer`. */
  kind: 'config' | 'layer';
  size: number;
  downloaded: number;
  status: BlobStatus;
}

export interface PullProgress {
  /** The normalised reference being pulled, e.g. `docker.io/library/busybox:latest`. */
  reference: string;
  phase: 'resolving' | 'downloading' | 'unpacking' | 'done';
  /** Config first, then the layers bottom first; empty while resolving. */
  blobs: BlobProgress[];
  totalBytes: number;
  /** Bytes downloaded or found present. */
  doneBytes: number;
}

export interface PullOptions {
  /** Called with a fresh snapshot on every change (each chunk received); a second caller of the same pull joins in. */
  onProgress?: (progress: PullProgress) => void;
}

type ProgressListener = (progress: PullProgress) => void;

interface InFlightPull {
  promise: Promise<ImageRecord>;
  listeners: Set<ProgressListener>;
}

/** containerd's default max concurrent downloads (CRI `max_concurrent_downloads`). */
export const PULL_CONCURRENCY = 3;

/** One in-flight pull per store and normalised reference: the kubelet may ask for the same image for many pods. */
const inFlight = new WeakMap<ImageStore, Map<string, InFlightPull>>();

/** Pulls an image into the store and names it by the reference (with `latest` added when it had no tag or digest). */
export async function pullImage(
  store: ImageStore,
  client: RegistryClient,
  ref: string,
  options: PullOptions = {},
): Promise<ImageRecord> {
  const name = formatImageReference(withDefaultTag(parseImageReference(ref)));
  let pulls = inFlight.get(store);
  if (pulls === undefined) {
    pulls = new Map();
    inFlight.set(store, pulls);
  }
  const running = pulls.get(name);
  if (running !== undefined) {
    if (options.onProgress !== undefined) running.listeners.add(options.onProgress);
    return running.promise;
  }
  const listeners = new Set<ProgressListener>(options.onProgress === undefined ? [] : [options.onProgress]);
  const emit = (progress: PullProgress): void => listeners.forEach((listener) => listener(progress));
  const current = pulls;
  const promise = runPull(store, client, name, emit).finally(() => current.delete(name));
  current.set(name, { promise, listeners });
  return promise;
}

async function runPull(
  store: ImageStore,
  client: RegistryClient,
  name: string,
  emit: ProgressListener,
): Promise<ImageRecord> {
  const progress = new ProgressTracker(name, emit);
  progress.report();
  const resolved = await client.resolve(name);
  for (const document of resolved.documents) {
    await store.content.ingest(oneChunk(document.bytes), `manifest ${document.digest}`, {
      digest: document.digest,
      size: document.bytes.length,
    });
  }
  const { config, layers } = resolved.manifest;
  const blobs = uniqueByDigest([
    { digest: config.digest, size: config.size, kind: 'config' as const },
    ...layers.map((l) => ({ digest: l.digest, size: l.size, kind: 'layer' as const })),
  ]);
  progress.start(blobs);
  await forEachLimited(blobs, PULL_CONCURRENCY, async (blob, i) => {
    const present = await store.content.stat(blob.digest);
    if (present?.size === blob.size) return progress.finish(i, 'exists');
    progress.update(i, 0);
    await client.fetchBlob(store.content, resolved.reference, blob, (bytes) => progress.update(i, bytes));
    progress.finish(i, 'done');
  });
  progress.phase('unpacking');
  const record = await store.storeImage([name], resolved.target);
  progress.phase('done');
  return record;
}

class ProgressTracker {
  #phase: PullProgress['phase'] = 'resolving';
  #blobs: BlobProgress[] = [];

  constructor(
    private readonly reference: string,
    private readonly emit: ProgressListener,
  ) {}

  start(blobs: ReadonlyArray<BlobInfo & { kind: BlobProgress['kind'] }>): void {
    this.#blobs = blobs.map((b) => ({ ...b, downloaded: 0, status: 'waiting' }));
    this.phase('downloading');
  }

  update(index: number, bytes: number): void {
    const blob = this.#blobs[index];
    if (blob === undefined) return;
    blob.status = 'downloading';
    blob.downloaded += bytes;
    this.report();
  }

  finish(index: number, status: 'exists' | 'done'): void {
    const blob = this.#blobs[index];
    if (blob === undefined) return;
    blob.status = status;
    blob.downloaded = blob.size;
    this.report();
  }

  phase(phase: PullProgress['phase']): void {
    this.#phase = phase;
    this.report();
  }

  report(): void {
    const blobs = this.#blobs.map((b) => ({ ...b }));
    this.emit({
      reference: this.reference,
      phase: this.#phase,
      blobs,
      totalBytes: blobs.reduce((sum, b) => sum + b.size, 0),
      doneBytes: blobs.reduce((sum, b) => sum + b.downloaded, 0),
    });
  }
}

/** Runs work on every item, at most `limit` at a time; after the first failure starts nothing new and rethrows it. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
}

function uniqueByDigest<T extends BlobInfo>(blobs: readonly T[]): T[] {
  const seen = new Set<string>();
  return blobs.filter((b) => !seen.has(b.digest) && seen.add(b.digest));
}

async function* oneChunk(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}
