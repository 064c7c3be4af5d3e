// Bytes a directory holds on disk, as the kubelet's volume and container stats count them (allocated blocks, each
// hard-linked inode once, symlinks not followed).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound } from '../../util/fs.js';

export async function diskUsage(path: string): Promise<number> {
  const seen = new Set<number>();
  const walk = async (p: string): Promise<number> => {
    let st;
    try {
      st = await lstat(p);
    } catch (err) {
      if (isNotFound(err)) return 0;
      throw err;
    }
    if (st.nlink > 1 && !st.isDirectory()) {
      if (seen.has(st.ino)) return 0;
      seen.add(st.ino);
    }
    let bytes = st.blocks * 512;
    if (st.isDirectory()) {
      const names = await readdir(p).catch(() => [] as string[]);
      for (const name of names) bytes += await walk(join(p, name));
    }
    return bytes;
  };
  return walk(path);
}
