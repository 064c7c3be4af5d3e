import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { totalmem } from 'node:os';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { quantityToBytes, parseQuantity } from '../api/quantity.js';
import { podCgroupValues } from '../api/resources.js';
import { EMPTY_DIR_PLUGIN_DIR, setUpEmptyDir, tearDownEmptyDir } from '../volume/empty-dir.js';

export class UnsupportedVolumeError extends Error {
  override name = 'UnsupportedVolumeError';
}

/** Sets up the pod's volumes (idempotent) and returns volume name -> host path. */
export async function setUpPodVolumes(pod: Pod, podDir: string): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const v of pod.spec?.volumes ?? []) {
    if (v.emptyDir) {
      paths.set(
        v.name,
        await setUpEmptyDir({
          podDir,
          name: v.name,
          source: v.emptyDir,
          memorySizeBytes: memoryVolumeSize(pod, v.emptyDir.sizeLimit),
        }),
      );
    } else {
      throw new UnsupportedVolumeError(`volume "${v.name}": this volume type is not supported yet`);
    }
  }
  return paths;
}

export async function tearDownPodVolumes(podDir: string): Promise<void> {
  const dir = join(podDir, 'volumes', EMPTY_DIR_PLUGIN_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) await tearDownEmptyDir(podDir, name);
}

/** min(node memory, pod memory limit when set, sizeLimit when set) (pkg/volume/emptydir calculateEmptyDirMemorySize). */
function memoryVolumeSize(pod: Pod, sizeLimit: string | undefined): number {
  let size = totalmem();
  const podLimit = podCgroupValues(pod).memoryLimit;
  if (podLimit > 0) size = Math.min(size, podLimit);
  if (sizeLimit) size = Math.min(size, Number(quantityToBytes(parseQuantity(sizeLimit))));
  return size;
}
