// fsGroup on a volume (pkg/volume/volume_linux.go SetVolumeOwnership): every file and directory gets the group,
// group read (and write unless the volume is read-only), and directories the setgid bit, so that files made later
// inherit the group.
import { chmod, lchown, lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

/**
 * Applies fsGroup unless the volume already carries it (fsGroupChangePolicy OnRootMismatch). The check looks at
 * the volume's root and, for an atomic-writer volume, at its current `..data` directory: an update writes a new one.
 */
export async function ensureVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean): Promise<void> {
  const data = await readlink(join(dir, '..data')).then(
    (target) => join(dir, target),
    () => undefined,
  );
  for (const path of [dir, ...(data ? [data] : [])]) {
    if (!(await matches(path, fsGroup, readOnly))) {
      await setVolumeOwnership(dir, fsGroup, readOnly);
      return;
    }
  }
}

export async function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean): Promise<void> {
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path);
    await lchown(path, -1, fsGroup);
    if (st.isSymbolicLink()) return;
    let mask = readOnly ? RO_MASK : RW_MASK;
    if (st.isDirectory()) mask |= SETGID | EXEC_MASK;
    await chmod(path, (st.mode & 0o7777) | mask);
    if (st.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name));
  };
  await walk(dir);
}

async function matches(dir: string, fsGroup: number, readOnly: boolean): Promise<boolean> {
  const st = await lstat(dir);
  const mask = (readOnly ? RO_MASK : RW_MASK) | SETGID | EXEC_MASK;
  return st.gid === fsGroup && (st.mode & mask) === mask;
}
