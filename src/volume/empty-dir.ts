import { join } from 'node:path';
import type { EmptyDirVolumeSource } from 'kubernetes-types/core/v1.js';
import { chmod } from 'node:fs/promises';
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
}

export function emptyDirPath(podDir: string, name: string): string {
  return join(podDir, 'volumes', EMPTY_DIR_PLUGIN_DIR, name);
}

/** Creates the volume (idempotent): a directory on disk, or a tmpfs for `medium: Memory`. */
export async function setUpEmptyDir(v: EmptyDirSetUp): Promise<string> {
  const path = emptyDirPath(v.podDir, v.name);
  const fresh = !(await exists(path));
  await ensureDir(path, 0o777);
  if (v.source.medium === 'Memory' && !(await isMountPoint(path))) {
    await mount('tmpfs', path, 'tmpfs', ['nosuid', 'nodev', `size=${v.memorySizeBytes}`]);
    await chmod(path, 0o777);
  } else if (fresh) {
    // The daemon's umask took bits away; the kubelet chmods rather than touching the process umask. Only once: fsGroup
    // adds setgid afterwards.
    await chmod(path, 0o777);
  }
  return path;
}

export async function tearDownEmptyDir(podDir: string, name: string): Promise<void> {
  const path = emptyDirPath(podDir, name);
  await unmount(path);
  await removeTree(path);
}
