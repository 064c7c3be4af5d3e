// /proc/<pid>/stat read as the kernel writes it (proc(5)).
import { readdir, readFile } from 'node:fs/promises';

/**
 * The fields after the command name, which may hold spaces and parentheses: [0] is the state (field 3), [1] the
 * parent pid (field 4), [19] the start time (field 22).
 */
export function statFields(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/**
 * Kills everything a `runc exec` started, then runc itself: runc does not pass SIGKILL on, and the process it
 * started (and what that started) would run on in the container. The host sees every pid, so they are found by
 * walking /proc from runc's pid.
 */
export async function killExecTree(runcPid: number | undefined, killRunc: () => void): Promise<void> {
  if (runcPid !== undefined) {
    for (const pid of await descendants(runcPid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone: what we wanted.
      }
    }
  }
  killRunc();
}

async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => ''))[1]);
    if (Number.isInteger(ppid)) parents.set(Number(entry), ppid);
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}
