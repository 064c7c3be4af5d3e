// The daemon's resource limits, which every container and sandbox gets. The CRI plugin removes containerd's default
// RLIMIT_NOFILE 1024:1024 from the spec (internal/cri/opts/spec_opts.go WithoutDefaultSecuritySettings, containerd/cri
// #515), so a pod's processes run with the limits the runtime itself has; podlet writes those same limits into
// config.json so they are visible there, and so no limit can exceed what this process may set.
import { readFile } from 'node:fs/promises';
import type { Rlimit, RlimitType } from './types.js';

export class HostRlimitsError extends Error {
  override readonly name = 'HostRlimitsError';
}

/** Row names of /proc/<pid>/limits (fs/proc/base.c lnames). */
const ROWS: readonly [string, RlimitType][] = [
  ['Max cpu time', 'RLIMIT_CPU'],
  ['Max file size', 'RLIMIT_FSIZE'],
  ['Max data size', 'RLIMIT_DATA'],
  ['Max stack size', 'RLIMIT_STACK'],
  ['Max core file size', 'RLIMIT_CORE'],
  ['Max resident set', 'RLIMIT_RSS'],
  ['Max processes', 'RLIMIT_NPROC'],
  ['Max open files', 'RLIMIT_NOFILE'],
  ['Max locked memory', 'RLIMIT_MEMLOCK'],
  ['Max address space', 'RLIMIT_AS'],
  ['Max file locks', 'RLIMIT_LOCKS'],
  ['Max pending signals', 'RLIMIT_SIGPENDING'],
  ['Max msgqueue size', 'RLIMIT_MSGQUEUE'],
  ['Max nice priority', 'RLIMIT_NICE'],
  ['Max realtime priority', 'RLIMIT_RTPRIO'],
  ['Max realtime timeout', 'RLIMIT_RTTIME'],
];

/**
 * The current limits of this process. Node raises its soft RLIMIT_NOFILE to the hard limit at start-up, and its
 * children inherit the raised value, so that is what is read here too.
 */
export async function readHostRlimits(limitsPath = '/proc/self/limits'): Promise<Rlimit[]> {
  return parseLimits(await readFile(limitsPath, 'utf8'));
}

/** Parses a /proc/<pid>/limits text; `unlimited` becomes Infinity (see `Rlimit`). */
export function parseLimits(text: string): Rlimit[] {
  const out: Rlimit[] = [];
  for (const line of text.split('\n')) {
    const row = ROWS.find(([name]) => line.startsWith(`${name} `));
    if (!row) continue;
    const [soft, hard] = line.slice(row[0].length).trim().split(/\s+/);
    out.push({ type: row[1], soft: limitValue(soft, line), hard: limitValue(hard, line) });
  }
  if (out.length === 0) throw new HostRlimitsError('no resource limits found in /proc/self/limits');
  return out;
}

function limitValue(field: string | undefined, line: string): number {
  if (field === 'unlimited') return Infinity;
  if (field === undefined || !/^[0-9]+$/.test(field))
    throw new HostRlimitsError(`unreadable limit line: ${line}`);
  return Number(field);
}

/**
 * The host limits a spec can carry exactly. A limit with an unlimited (or beyond 2^53) value is left out: runc then
 * leaves it as inherited, which is that same value, while writing it would need a uint64 JSON cannot get from a
 * JavaScript number.
 */
export function inheritedRlimits(hostRlimits: readonly Rlimit[]): Rlimit[] {
  return hostRlimits
    .filter((r) => Number.isSafeInteger(r.soft) && Number.isSafeInteger(r.hard))
    .map((r) => ({ type: r.type, hard: r.hard, soft: r.soft }));
}
