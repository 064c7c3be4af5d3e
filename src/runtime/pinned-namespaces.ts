// A pod's IPC and UTS namespaces held by bind mounts, as CRI-O's pinns holds them: they exist before the pause
// process, so the pause and the pod's containers join them by path and the containers can be created while the pause
// starts (decision 0048). The network namespace is pinned the same way by `ip netns add`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureDir } from '../util/fs.js';
import { run } from '../util/exec.js';
import { unmount } from '../util/mount.js';

export interface PinnedNamespaces {
  ipc: string;
  uts: string;
}

const UNSHARE_TIMEOUT_MS = 10_000;

/** Where a sandbox directory's pins go. */
export function pinnedNamespacePaths(sandboxDir: string): PinnedNamespaces {
  return { ipc: join(sandboxDir, 'ns', 'ipc'), uts: join(sandboxDir, 'ns', 'uts') };
}

/** New IPC and UTS namespaces pinned at the given files (util-linux unshare makes the bind mounts). */
export async function pinNamespaces(pins: PinnedNamespaces): Promise<void> {
  await ensureDir(dirname(pins.ipc), 0o700);
  // The bind mounts need files to land on.
  for (const path of Object.values(pins)) writeFileSync(path, '');
  await run('unshare', [`--ipc=${pins.ipc}`, `--uts=${pins.uts}`, 'true'], { timeoutMs: UNSHARE_TIMEOUT_MS });
}

/** Lets the namespaces go (they die with their last process); pins already gone are fine. */
export async function unpinNamespaces(pins: PinnedNamespaces): Promise<void> {
  for (const path of Object.values(pins)) await unmount(path);
}
