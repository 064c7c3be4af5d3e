// hostPath volumes (pkg/volume/hostpath): the node's path is bind-mounted as it is, after the `type` check.
import { lstat, mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { HostPathVolumeSource } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../util/fs.js';
import { VolumeSetUpError } from './errors.js';

type Check = { test: (s: Stats) => boolean; description: string };

const CHECKS: Record<string, Check> = {
  Directory: { test: (s) => s.isDirectory(), description: 'directory' },
  File: { test: (s) => s.isFile(), description: 'file' },
  Socket: { test: (s) => s.isSocket(), description: 'socket file' },
  CharDevice: { test: (s) => s.isCharacterDevice(), description: 'character device' },
  BlockDevice: { test: (s) => s.isBlockDevice(), description: 'block device' },
};

/**
 * checkType: DirectoryOrCreate makes the directory (0755, with parents) and FileOrCreate the file (0644, not its
 * parent) when nothing is there, then both check like Directory/File; "" checks nothing. Returns the host path.
 */
export async function setUpHostPath(source: HostPathVolumeSource): Promise<string> {
  const { path } = source;
  const type = source.type ?? '';
  if (type === '') return path;
  if (type === 'DirectoryOrCreate' && !(await exists(path))) {
    await mkdir(path, { recursive: true, mode: 0o755 }).catch((err: unknown) => {
      throw new VolumeSetUpError(errorText(err), { cause: err });
    });
  }
  if (type === 'FileOrCreate' && !(await exists(path))) {
    const file = await open(path, 'a', 0o644).catch((err: unknown) => {
      throw new VolumeSetUpError(errorText(err), { cause: err });
    });
    await file.close();
  }
  const check = CHECKS[type.replace(/OrCreate$/, '')];
  if (!check) throw new VolumeSetUpError(`${type} is an invalid volume type`);
  // The type is that of what the path leads to: a symlink to a directory is a directory (os.Stat).
  const stats = await stat(path).catch(() => undefined);
  if (!stats || !check.test(stats)) {
    throw new VolumeSetUpError(`hostPath type check failed: ${path} is not a ${check.description}`);
  }
  return path;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (err: unknown) => !isNotFound(err),
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
