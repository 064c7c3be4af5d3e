import { join } from 'node:path';
import type { EmptyDirVolumeSource } from 'kubernetes-types/core/v1.js';
import { chmodSync } from 'node:fs';
import { isHugePageMedium } from '../api/hugepages.js';
import { ensureDir, exists, removeTree } from '../util/fs.js';
import { isMountPoint, mount, unmount } from '../util/mount.js';

/** The kubelet's directory name for the plugin (pods/<uid>/volumes/kubernetes.io~empty-dir/<name>). */
export const EMPTY_DIR_PLUGIN_DIR = 'kubernetes.io~empty-dir';

export interface EmptyDirSetUp {
  podDir: string;
  name: string;
  source: EmptyDirVolumeSource;
  /** tmpfs size for `medium: Memory` (kubelet calculateEmptyDirMemorySize). */
  memorySizeBytes: number;
  /** hugetlbfs's `pagesize=2Mi` for a `HugePages` medium (api/hugepages.ts hugePageMountOption). */
  hugePageMountOption?: string;
}

export function emptyDirPath(podDir: string, name: string): string {
  return join(podDir, 'volumes', EMPTY_DIR_PLUGIN_DIR, name);
}

/**
 * Creates the volume (idempotent): a directory on disk, a tmpfs for `medium: Memory`, a hugetlbfs for `HugePages`
 * and `HugePages-<size>`.
 */
export async function setUpEmptyDir(v: EmptyDirSetUp): Promise<string> {
  const medium = v.source.medium ?? '';
  if (medium !== '' && medium !== 'Memory' && !isHugePageMedium(medium))
    throw new Error(`unknown storage medium "${medium}"`);
  const path = emptyDirPath(v.podDir, v.name);
  const fresh = !(await exists(path));
  await ensureDir(path, 0o777);
  if (medium === 'Memory' && !(await isMountPoint(path))) {
    await mount('tmpfs', path, 'tmpfs', ['nosuid', 'nodev', `size=${v.memorySizeBytes}`]);
    chmodSync(path, 0o777);
  } else if (isHugePageMedium(medium) && !(await isMountPoint(path))) {
    if (v.hugePageMountOption === undefined) throw new Error(`medium ${medium}: no huge page size to mount`);
    await mount('nodev', path, 'hugetlbfs', [v.hugePageMountOption]);
    chmodSync(path, 0o777);
  } else if (fresh) {
    // The daemon's umask took bits away; the kubelet chmods rather than touching the process umask. Only once: fsGroup
    // adds setgid afterwards.
    chmodSync(path, 0o777);
  }
  return path;
}

export async function tearDownEmptyDir(podDir: string, name: string): Promise<void> {
  const path = emptyDirPath(podDir, name);
  await unmount(path);
  await removeTree(path);
}
