// A pod's IPC and UTS namespaces held by bind mounts, as CRI-O's pinns holds them: they exist before the pause
// process, so the pause and the pod's containers join them by path and the containers can be created while the pause
// starts (decision 0048). The network namespace is pinned the same way, under /run/netns, by the same call.
import { dirname, join } from 'node:path';
import { ensureDir } from '../util/fs.js';
import { pinNewNamespaces, unmount } from '../util/mount.js';

export interface PinnedNamespaces {
  ipc: string;
  uts: string;
}

/** Where a sandbox directory's pins go. */
export function pinnedNamespacePaths(sandboxDir: string): PinnedNamespaces {
  return { ipc: join(sandboxDir, 'ns', 'ipc'), uts: join(sandboxDir, 'ns', 'uts') };
}

/** New IPC and UTS namespaces pinned at the given files, and a network namespace at `netnsPath` if given. */
export async function pinNamespaces(pins: PinnedNamespaces, netnsPath?: string): Promise<void> {
  await ensureDir(dirname(pins.ipc), 0o700);
  await pinNewNamespaces({ ...(netnsPath ? { net: netnsPath } : {}), ipc: pins.ipc, uts: pins.uts });
}

/** Lets the namespaces go (they die with their last process); pins already gone are fine. */
export async function unpinNamespaces(pins: PinnedNamespaces): Promise<void> {
  for (const path of Object.values(pins)) await unmount(path);
}
