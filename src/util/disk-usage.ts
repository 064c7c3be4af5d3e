// Bytes a directory holds on disk, as `du` and the kubelet's stats count them: allocated blocks, each inode once
// (hard links), symlinks not followed. A path gone before or during the walk counts for nothing.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound } from './fs.js';

export async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<number>();
  let bytes = 0;
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let stats;
    try {
      stats = await lstat(current);
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    if (seen.has(stats.ino)) continue;
    seen.add(stats.ino);
    bytes += stats.blocks * 512;
    if (stats.isDirectory()) {
      const names = await readdir(current).catch((err: unknown) =>
        isNotFound(err) ? [] : Promise.reject(err),
      );
      for (const name of names) pending.push(join(current, name));
    }
  }
  return bytes;
}
