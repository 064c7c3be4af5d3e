import { readFile } from 'node:fs/promises';
import { run, runUnchecked } from './exec.js';
import { nativeBinary } from './native.js';

export interface MountEntry {
  source: string;
  target: string;
  fstype: string;
  options: string;
}

/** Namespace files to pin, by kind. */
export interface NamespacePins {
  net?: string;
  ipc?: string;
  uts?: string;
}

const POD_MOUNT = nativeBinary('pod-mount');
const MOUNT_TIMEOUT_MS = 30_000;

/** Mounts through native/pod-mount (Node has no mount(2)); options as mount(8) takes them. */
export async function mount(
  source: string,
  target: string,
  fstype: string,
  options: string[],
): Promise<void> {
  await run(POD_MOUNT, ['mount', fstype, source, target, options.join(',')], { timeoutMs: MOUNT_TIMEOUT_MS });
}

/**
 * New namespaces of the given kinds, each held by a bind mount on its file (see native/pod-mount.c). A net file must
 * not exist yet; its directory is made a shared mount point, as `ip netns add` makes /run/netns.
 */
export async function pinNewNamespaces(pins: NamespacePins): Promise<void> {
  const args = Object.entries(pins)
    .filter(([, file]) => file !== undefined)
    .map(([kind, file]) => `${kind}=${file}`);
  await run(POD_MOUNT, ['pin', ...args], { timeoutMs: MOUNT_TIMEOUT_MS });
}

/** Unmounts (lazily, so a busy mount does not block teardown); absent mounts are fine. */
export async function unmount(target: string): Promise<void> {
  if (!(await isMountPoint(target))) return;
  const r = await runUnchecked('umount', ['-l', target], { timeoutMs: MOUNT_TIMEOUT_MS });
  if (r.exitCode !== 0 && (await isMountPoint(target)))
    await run('umount', ['-l', target], { timeoutMs: MOUNT_TIMEOUT_MS });
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
