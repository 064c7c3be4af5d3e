import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, commandLine, run, runUnchecked } from '../util/exec.js';
import { exists, isNotFound } from '../util/fs.js';
import { pinNewNamespaces } from '../util/mount.js';
import { NetworkConfigError } from './errors.js';

/** Where iproute2 bind-mounts persistent network namespaces (`ip netns add`); podlet's go there too. */
export const NETNS_DIR = '/run/netns';

const IP_TIMEOUT_MS = 10_000;
/** A file name under /run/netns that `ip netns` accepts and that cannot escape the directory. */
const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function netnsPath(name: string): string {
  checkName(name);
  return join(NETNS_DIR, name);
}

/**
 * Creates a persistent network namespace and returns its path. It outlives podlet on purpose: the pod keeps its
 * network across a daemon restart. An existing namespace of that name is an error, never reused silently.
 */
export async function createNetns(name: string): Promise<string> {
  const path = netnsPath(name);
  await pinNewNamespaces({ net: path });
  return path;
}

/** Pins the network namespace of process `pid` under /run/netns as `name`, as if podlet had made it there. */
export async function attachNetns(name: string, pid: number): Promise<string> {
  const path = netnsPath(name);
  await run('ip', ['netns', 'attach', name, String(pid)], { timeoutMs: IP_TIMEOUT_MS });
  return path;
}

/** Deletes the namespace (unmount + unlink); a namespace that is already gone is fine. */
export async function removeNetns(name: string): Promise<void> {
  const path = netnsPath(name);
  if (!(await exists(path))) return;
  const args = ['netns', 'delete', name];
  const result = await runUnchecked('ip', args, { timeoutMs: IP_TIMEOUT_MS });
  // Another tear-down may have removed it between the check and the call.
  if (result.exitCode !== 0 && (await exists(path))) {
    throw new CommandError(commandLine('ip', args), result.exitCode, result.stderr);
  }
}

/** Names of the persistent namespaces starting with `prefix`, sorted. */
export async function listNetns(prefix: string): Promise<string[]> {
  try {
    const names = await readdir(NETNS_DIR);
    return names.filter((n) => n.startsWith(prefix)).sort();
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
}

function checkName(name: string): void {
  if (!NETNS_NAME.test(name)) {
    throw new NetworkConfigError(
      `network namespace name ${JSON.stringify(name)} must match ${NETNS_NAME.source}`,
    );
  }
}
