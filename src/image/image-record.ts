import type { ImageContent } from './image-content.js';
import type { NameEntry } from './name-store.js';
import { parseImageReference, repositoryOf } from './reference.js';
import type { ImageRecord } from './types.js';

/**
 * The record of one image: its content (as the newest of its names points at it) and all the names that point at
 * the same image ID. layerDir maps a chain ID to its unpacked directory.
 */
export function imageRecord(
  image: ImageContent,
  names: ReadonlyArray<readonly [string, NameEntry]>,
  layerDir: (chainId: string) => string,
): ImageRecord {
  const repoDigests = names.map(
    ([name, entry]) => `${repositoryOf(parseImageReference(name))}@${entry.manifestDigest}`,
  );
  const { configFile } = image;
  const record: ImageRecord = {
    id: image.configDigest,
    names: names.map(([name]) => name).sort(),
    manifestDigest: image.target,
    repoDigests: [...new Set(repoDigests)].sort(),
    size: image.blobs.reduce((sum, blob) => sum + blob.size, 0),
    config: configFile.config,
    layers: image.manifest.layers.map((layer, i) => {
      const chainId = image.chainIds[i] ?? '';
      return {
        digest: layer.digest,
        diffId: configFile.diffIds[i] ?? '',
        chainId,
        size: layer.size,
        dir: layerDir(chainId),
      };
    }),
  };
  if (configFile.created !== undefined) record.created = configFile.created;
  if (configFile.architecture !== undefined) record.architecture = configFile.architecture;
  if (configFile.os !== undefined) record.os = configFile.os;
  return record;
}

/** The entry a group of names takes its manifest from: the one stored last. */
export function newestEntry(names: ReadonlyArray<readonly [string, NameEntry]>): NameEntry | undefined {
  let newest: NameEntry | undefined;
  for (const [, entry] of names) if (newest === undefined || entry.updated > newest.updated) newest = entry;
  return newest;
}
