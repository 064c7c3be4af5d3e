import { chmod, mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ensureDir,
  errnoCode,
  isNotFound,
  readJsonIfExists,
  removeTree,
  writeJsonAtomic,
} from '../util/fs.js';
import { digestHex, digestsNamed, SHA256 } from './digest.js';
import { ContentVerificationError, LayerUnpackError } from './errors.js';
import { removeAbandonedTemps, tempName } from './temp-names.js';
import { unpackLayer } from './unpack.js';
import { diskUsage } from '../util/disk-usage.js';

/** What one unpacked layer is; stored as `layer.json` beside its `diff/` directory. */
export interface LayerMetadata {
  chainId: string;
  diffId: string;
  /** Chain ID of the layer below, absent for the bottom layer. */
  parent?: string;
  /** Bytes of the uncompressed layer tar. */
  size: number;
  /** Bytes the unpacked diff/ directory takes on disk (allocated blocks, hard links counted once). */
  diskUsage: number;
  created: string;
}

/** The layer to make present: its identity, and the blob it is unpacked from (named in errors). */
export interface LayerSource {
  chainId: string;
  diffId: string;
  parent?: string;
  blobDigest: string;
}

const METADATA_FILE = 'layer.json';

/**
 * Unpacked layers by chain ID (containerd's snapshots, the overlayfs way): `layers/sha256/<chainIdHex>/diff/`, one
 * lower directory each. A layer is unpacked into `layers/tmp/` and renamed into place only once complete and verified,
 * so a crash never leaves a half layer visible under its chain ID.
 */
export class LayerStore {
  private constructor(
    private readonly layersDir: string,
    private readonly tempDir: string,
  ) {}

  static async open(root: string): Promise<LayerStore> {
    const store = new LayerStore(join(root, 'layers', SHA256), join(root, 'layers', 'tmp'));
    await ensureDir(store.layersDir);
    await ensureDir(store.tempDir);
    return store;
  }

  diffDir(chainId: string): string {
    return join(this.layersDir, digestHex(chainId), 'diff');
  }

  get(chainId: string): Promise<LayerMetadata | undefined> {
    return readJsonIfExists<LayerMetadata>(join(this.layersDir, digestHex(chainId), METADATA_FILE));
  }

  /** Unpacks the layer unless it is already present; true when this call unpacked it. */
  async ensure(layer: LayerSource, open: () => AsyncIterable<Uint8Array>): Promise<boolean> {
    if ((await this.get(layer.chainId)) !== undefined) return false;
    const temp = join(this.tempDir, tempName());
    const diff = join(temp, 'diff');
    try {
      await mkdir(diff, { recursive: true });
      await chmod(diff, 0o755);
      const result = await unpackLayer(open(), diff);
      if (result.diffId !== layer.diffId) {
        throw new ContentVerificationError(
          'diffID (digest of the uncompressed layer)',
          layer.diffId,
          result.diffId,
        );
      }
      const metadata: LayerMetadata = {
        chainId: layer.chainId,
        diffId: layer.diffId,
        ...(layer.parent === undefined ? {} : { parent: layer.parent }),
        size: result.size,
        diskUsage: await diskUsage(diff),
        created: new Date().toISOString(),
      };
      await writeJsonAtomic(join(temp, METADATA_FILE), metadata);
      return await this.publish(temp, layer.chainId);
    } catch (e) {
      throw new LayerUnpackError(layer.blobDigest, { cause: e });
    } finally {
      await removeTree(temp);
    }
  }

  async list(): Promise<LayerMetadata[]> {
    const layers = await Promise.all(
      digestsNamed(await readdir(this.layersDir)).map((chainId) => this.get(chainId)),
    );
    return layers.filter((layer) => layer !== undefined);
  }

  /** Removes a layer (first out of sight by a rename, then from disk); returns the bytes freed. */
  async remove(chainId: string): Promise<number> {
    const metadata = await this.get(chainId);
    const doomed = join(this.tempDir, tempName());
    try {
      await rename(join(this.layersDir, digestHex(chainId)), doomed);
    } catch (e) {
      if (isNotFound(e)) return 0;
      throw e;
    }
    await removeTree(doomed);
    return metadata?.diskUsage ?? 0;
  }

  removeAbandonedUnpacks(): Promise<number> {
    return removeAbandonedTemps(this.tempDir);
  }

  /** Renames a finished layer into place; another writer that got there first wins, and that is fine. */
  private async publish(temp: string, chainId: string): Promise<boolean> {
    try {
      await rename(temp, join(this.layersDir, digestHex(chainId)));
      return true;
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw e;
    }
  }
}
