// Whether a container's conmon still watches it. conmon writes the exit file and the log: a container whose conmon
// died would run on unobserved and, once it exits, leave no exit code. containerd treats a dead shim the same way
// (runtime/v2 cleanupAfterDeadShim): the task is killed and reported exited with status 255.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statFields } from './proc-stat.js';
import type { Runc } from './runc.js';

/** The exit code reported for a container whose monitor died (containerd's dead-shim exit status). */
export const LOST_MONITOR_EXIT_CODE = 255;

/**
 * conmon's PID file (`-P <bundle>/conmon.pid`) names a live, non-zombie process whose command line names the
 * container; the last check keeps a recycled PID from passing for conmon. Synchronous: /proc reads are answered
 * from kernel memory and the relist asks for every running container.
 */
export function conmonAlive(bundle: string, containerId: string): boolean {
  let pid: string;
  try {
    pid = readFileSync(join(bundle, 'conmon.pid'), 'utf8').trim();
  } catch {
    // No PID file: conmon never got as far as writing it, so there is nothing to judge by.
    return true;
  }
  try {
    const state = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0];
    if (state === 'Z' || state === 'X') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(containerId);
  } catch {
    return false;
  }
}

/** The exit of a stopped container with no exit file and no conmon left to write one: its monitor died first. */
export function lostMonitorExit(): { exitCode: number; finishedAt: string; oomKilled: boolean } {
  return { exitCode: LOST_MONITOR_EXIT_CODE, finishedAt: new Date().toISOString(), oomKilled: false };
}

/** Kills every process of a container nobody monitors and waits (briefly) for runc to see it stopped. */
export async function killUnmonitoredContainer(runc: Runc, id: string): ReturnType<Runc['state']> {
  await runc.kill(id, 'SIGKILL', true);
  const deadline = Date.now() + 5_000;
  for (;;) {
    const state = await runc.state(id);
    if (state?.status !== 'running' || Date.now() >= deadline) return state;
    await new Promise((r) => setTimeout(r, 20));
  }
}
