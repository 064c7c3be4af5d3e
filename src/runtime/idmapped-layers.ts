// A pod with its own user namespace sees its image layers through idmapped mounts (see userns.ts): each container
// mounts every layer it uses under its own directory, and unmounts them when it is removed. Kept apart from the
// container manager because only user-namespaced pods take this path.
import { chown, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from '../util/fs.js';
import { unmount } from '../util/mount.js';
import type { UserNamespace } from './types.js';
import { idmapMount } from './userns.js';

/** Where a container of a pod with its own user namespace mounts its idmapped image layers. */
const IDMAPPED_LAYERS = 'layers';

/**
 * The image layers seen through the pod's user namespace, one idmapped mount each under the container's directory;
 * the writable layer belongs to the pod's root, so that the root directory is its own.
 */
export async function idmappedLayers(
  dir: string,
  layers: readonly string[],
  usernsPath: string,
  userns: UserNamespace,
): Promise<string[]> {
  const mounted: string[] = [];
  for (const [i, layer] of layers.entries()) {
    const target = join(dir, IDMAPPED_LAYERS, String(i));
    await ensureDir(target);
    await idmapMount(usernsPath, layer, target);
    mounted.push(target);
  }
  await chown(join(dir, 'upper'), userns.hostId, userns.hostId);
  return mounted;
}

export async function unmountLayers(dir: string): Promise<void> {
  const names = await readdir(join(dir, IDMAPPED_LAYERS)).catch(() => [] as string[]);
  for (const name of names) await unmount(join(dir, IDMAPPED_LAYERS, name));
}
