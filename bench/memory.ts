// Host memory per pod (issue 9): what a node adds to the host for each pod besides the pod's own processes.
// For podlet: its conmons, its pause processes (catatonit) and the daemon's growth; for podman, which has no daemon,
// its conmons and its infra containers (catatonit too). The containers' own processes are the same on both sides
// and are not counted. Memory is PSS (/proc/<pid>/smaps_rollup): shared pages (conmon's libraries) are split
// between the processes that map them, so a sum over processes counts each page once.
import { readdir, readFile } from 'node:fs/promises';
import { statFields } from './proc-stat.js';

export interface HostProcess {
  pid: number;
  ppid: number;
  /** The kernel's name of the program (/proc/<pid>/comm): `conmon`, `catatonit`. */
  comm: string;
  cmdline: string;
  /** /proc/<pid>/cgroup as it reads. */
  cgroup: string;
  pssKb: number;
}

/** The per-pod processes of one node, in kB of PSS. */
export interface PodOverhead {
  conmonKb: number;
  pauseKb: number;
  conmons: number;
  pauses: number;
}

/**
 * The conmons whose command line names `marker` (a data or storage directory only that node uses), and the pause
 * processes: a catatonit whose cgroup path holds `pauseCgroup` (podlet's pause has no conmon, decision 0044), or
 * else one that a conmon of the node supervises (podman's infra: conmon is the subreaper of what it starts).
 */
export function podOverhead(
  processes: readonly HostProcess[],
  marker: string,
  pauseCgroup?: string,
): PodOverhead {
  const conmons = processes.filter((p) => p.comm === 'conmon' && p.cmdline.includes(marker));
  const ids = new Set(conmons.map((c) => c.pid));
  const pauses = processes.filter(
    (p) =>
      p.comm === 'catatonit' &&
      (pauseCgroup === undefined ? ids.has(p.ppid) : p.cgroup.includes(`/${pauseCgroup}/`)),
  );
  const sum = (ps: readonly HostProcess[]) => ps.reduce((total, p) => total + p.pssKb, 0);
  return { conmonKb: sum(conmons), pauseKb: sum(pauses), conmons: conmons.length, pauses: pauses.length };
}

/** Every process of the host that can still be read (processes may end while the table is read). */
export async function readProcesses(): Promise<HostProcess[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  const all = await Promise.all(pids.map((pid) => readProcess(Number(pid))));
  return all.filter((p): p is HostProcess => p !== undefined);
}

async function readProcess(pid: number): Promise<HostProcess | undefined> {
  try {
    const [stat, cmdline, comm, cgroup] = await Promise.all(
      ['stat', 'cmdline', 'comm', 'cgroup'].map((f) => readFile(`/proc/${pid}/${f}`, 'utf8')),
    );
    const ppid = Number(statFields(stat!)[1]);
    return {
      pid,
      ppid,
      comm: comm!.trim(),
      cmdline: cmdline!.replace(/\0/g, ' '),
      cgroup: cgroup!,
      pssKb: await pssKb(pid),
    };
  } catch {
    return undefined;
  }
}

/** Proportional set size of one process in kB; 0 for a kernel thread, which has none. */
export async function pssKb(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return Number(/^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1] ?? 0);
}

/** Per pod, in MB: the node's processes for `pods` pods, plus the daemon's growth over them when there is one. */
export function perPodMegabytes(
  overhead: PodOverhead,
  pods: number,
  daemonDeltaKb?: number,
): { total: number; parts: Record<string, number> } {
  const mb = (kb: number) => kb / 1024 / pods;
  const parts: Record<string, number> = { conmon: mb(overhead.conmonKb), pause: mb(overhead.pauseKb) };
  if (daemonDeltaKb !== undefined) parts['daemon'] = mb(daemonDeltaKb);
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}
