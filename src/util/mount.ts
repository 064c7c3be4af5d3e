import { readFile } from 'node:fs/promises';
import { run, runUnchecked } from './exec.js';

export interface MountEntry {
  source: string;
  target: string;
  fstype: string;
  options: string;
}

/** Mounts with mount(8); Node has no mount(2). */
export async function mount(
  source: string,
  target: string,
  fstype: string,
  options: string[],
): Promise<void> {
  const args = ['-t', fstype, ...(options.length ? ['-o', options.join(',')] : []), source, target];
  await run('mount', args, { timeoutMs: 30_000 });
}

export async function bindMount(source: string, target: string, readOnly = false): Promise<void> {
  await run('mount', ['--bind', source, target], { timeoutMs: 30_000 });
  if (readOnly) await run('mount', ['-o', 'remount,bind,ro', target], { timeoutMs: 30_000 });
}

/** Unmounts (lazily, so a busy mount does not block teardown); absent mounts are fine. */
export async function unmount(target: string): Promise<void> {
  if (!(await isMountPoint(target))) return;
  const r = await runUnchecked('umount', ['-l', target], { timeoutMs: 30_000 });
  if (r.exitCode !== 0 && (await isMountPoint(target)))
    await run('umount', ['-l', target], { timeoutMs: 30_000 });
}

export async function listMounts(): Promise<MountEntry[]> {
  const text = await readFile('/proc/self/mounts', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [source = '', target = '', fstype = '', options = ''] = line.split(' ').map(unescapeMountField);
      return { source, target, fstype, options };
    });
}

export async function isMountPoint(path: string): Promise<boolean> {
  return (await listMounts()).some((m) => m.target === path);
}

/** /proc/mounts escapes space, tab, newline and backslash as octal. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
