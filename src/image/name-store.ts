import { readJsonIfExists, writeJsonAtomic } from '../util/fs.js';
import { isSha256Digest } from './digest.js';
import { MalformedImageError } from './errors.js';

/** What one image name points at. */
export interface NameEntry {
  /** Digest of the manifest (or index) the name was stored with. */
  manifestDigest: string;
  /** The image ID. */
  configDigest: string;
  /** When the name was last pointed here; the newest name decides an image's manifestDigest. */
  updated: string;
}

interface NamesFile {
  version: 1;
  images: Record<string, NameEntry>;
}

/** `images.json`: normalised name -> entry, the store's only mutable metadata, replaced whole and atomically. */
export class NameStore {
  constructor(private readonly path: string) {}

  async read(): Promise<Map<string, NameEntry>> {
    const file = await readJsonIfExists<NamesFile>(this.path);
    if (file === undefined) return new Map();
    if (file.version !== 1 || typeof file.images !== 'object' || file.images === null) {
      throw new MalformedImageError(this.path, 'is not a version 1 image names file');
    }
    const entries = new Map(Object.entries(file.images));
    for (const [name, entry] of entries) {
      if (!isSha256Digest(entry.manifestDigest) || !isSha256Digest(entry.configDigest)) {
        throw new MalformedImageError(this.path, `entry for ${name} has no valid digests`);
      }
    }
    return entries;
  }

  async write(entries: ReadonlyMap<string, NameEntry>): Promise<void> {
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const file: NamesFile = { version: 1, images: Object.fromEntries(sorted) };
    await writeJsonAtomic(this.path, file);
  }
}
