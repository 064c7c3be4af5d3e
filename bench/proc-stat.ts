// /proc/<pid>/stat for the benchmarks: a process's parent and the CPU it and its reaped children have used.
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * The fields after the program's name, from `state` (field 3) on: the name may hold spaces and parentheses, so
 * they start after its last ')'.
 */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds of a process itself (utime + stime) and of the children it has reaped (cutime + cstime). */
export async function cpuSeconds(pid: number): Promise<{ self: number; children: number }> {
  const f = statFields(await readFile(`/proc/${pid}/stat`, 'utf8')).map(Number);
  return {
    self: (f[11]! + f[12]!) / TICKS_PER_SECOND,
    children: (f[13]! + f[14]!) / TICKS_PER_SECOND,
  };
}
