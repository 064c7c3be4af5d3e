import { run } from '../util/exec.js';
import { missingProgram } from './mknod.js';

// Node has no setxattr(2) binding; the attr package's setfattr sets the overlayfs opaque-directory marker.

/** Sets an extended attribute on path itself, never on what a symlink points to (-h). */
export async function setXattr(path: string, name: string, value: string): Promise<void> {
  try {
    await run('setfattr', ['-h', '-n', name, '-v', value, path]);
  } catch (e) {
    throw missingProgram(e, 'setfattr', 'attr');
  }
}
