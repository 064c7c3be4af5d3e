// The runtime's volatile state (runc's root, bundles, conmon's files, pinned namespaces) lives on a tmpfs of its own
// at <data-dir>/run, as containerd's and CRI-O's live under /run (decision 0053): none of it means anything after a
// reboot, and on a disk each of the few dozen files a pod start makes and its deletion removes costs inode
// allocations the journal-less ext4 of some hosts makes expensive. Under the data dir, two podlets never share it.
import { statfsSync } from 'node:fs';
import { ensureDir } from '../util/fs.js';
import { mount } from '../util/mount.js';
import { TRAVERSABLE_DIR } from './userns.js';

/** statfs(2) f_type of a tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;

/**
 * Mounts a tmpfs at the run dir unless it is on one already: mounted by an earlier start of the daemon (its pods'
 * state is there), or a data dir on tmpfs.
 */
export async function mountRunDir(dir: string): Promise<void> {
  await ensureDir(dir, TRAVERSABLE_DIR);
  if (statfsSync(dir).type === TMPFS_MAGIC) return;
  // 0711 as the data dir: a user-namespaced pod's root must traverse it to its bundle (see userns.ts).
  await mount('tmpfs', dir, 'tmpfs', ['nosuid', 'nodev', `mode=${TRAVERSABLE_DIR.toString(8)}`]);
}
