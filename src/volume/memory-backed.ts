// The kubelet wraps secret, projected and downwardAPI volumes in a memory-backed emptyDir (wrappedVolumeSpec in
// pkg/volume/secret, projected and downwardapi): their files live on a tmpfs of the volume's own, so that tokens and
// secrets never reach the node's disk, and writing them costs no disk inode.
import { mkdirSync } from 'node:fs';
import { removeTree } from '../util/fs.js';
import { isMountPoint, mount, unmount } from '../util/mount.js';
import { writeAtomically, type Payload } from './atomic-writer.js';
import { VolumeSetUpError } from './errors.js';

/** Mounts the volume's tmpfs (once), sized like a memory-backed emptyDir, and writes the files when they changed. */
export async function setUpMemoryBacked(
  path: string,
  payload: Payload,
  memorySizeBytes: number,
): Promise<string> {
  // A directory made just now cannot be a mount point yet: no need to read the mount table.
  const made = mkdirSync(path, { recursive: true, mode: 0o777 }) !== undefined;
  if (made || !(await isMountPoint(path))) {
    await mount('tmpfs', path, 'tmpfs', ['nosuid', 'nodev', 'mode=1777', `size=${memorySizeBytes}`]);
  }
  await writeAtomically(path, payload);
  return path;
}

export async function tearDownMemoryBacked(path: string): Promise<void> {
  await unmount(path);
  if (await isMountPoint(path)) throw new VolumeSetUpError(`volume ${path} is still mounted`);
  await removeTree(path);
}
