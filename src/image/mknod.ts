import { CommandError, run } from '../util/exec.js';
import { MissingProgramError } from './errors.js';

// Node has no mknod(2) binding, so device nodes, FIFOs and overlayfs whiteouts (character device 0/0) are made by
// coreutils' mknod.

export type SpecialFileType = 'character-device' | 'block-device' | 'fifo';

const TYPE_LETTER: Readonly<Record<SpecialFileType, string>> = {
  'character-device': 'c',
  'block-device': 'b',
  fifo: 'p',
};

export async function makeNode(
  path: string,
  type: SpecialFileType,
  mode: number,
  major = 0,
  minor = 0,
): Promise<void> {
  const numbers = type === 'fifo' ? [] : [String(major), String(minor)];
  try {
    await run('mknod', ['-m', (mode & 0o7777).toString(8), path, TYPE_LETTER[type], ...numbers]);
  } catch (e) {
    throw missingProgram(e, 'mknod', 'coreutils');
  }
}

/** Turns "could not start the program" into MissingProgramError; any other failure is returned unchanged. */
export function missingProgram(e: unknown, program: string, debianPackage: string): unknown {
  const notInstalled = e instanceof CommandError && e.exitCode === null && e.stderr.includes('ENOENT');
  return notInstalled ? new MissingProgramError(program, debianPackage, { cause: e }) : e;
}
