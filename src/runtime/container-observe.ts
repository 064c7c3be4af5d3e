// What a container is now, read from what the runtime leaves on disk: its record, runc's state, conmon's exit file
// and the memory cgroup's OOM counter. It needs no daemon, so `podlet ps` and the inspectors read containers the same
// way the container manager does; the manager adds only its in-memory caches.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound, readJsonIfExists, writeJsonAtomic } from '../util/fs.js';
import type { CgroupManager } from './cgroups/manager.js';
import { conmonAlive, killUnmonitoredContainer, lostMonitorExit } from './conmon-liveness.js';
import type { RuntimePaths } from './paths.js';
import type { Runc } from './runc.js';
import type { ContainerRecord, ContainerStatus } from './types.js';

/** What an exited container left behind, saved at the first observation so it survives `runc delete`. */
export interface ExitRecord {
  exitCode: number;
  finishedAt: string;
  oomKilled: boolean;
}

/** Every container on disk with its observed state; usable without a daemon (`podlet ps`). */
export async function listContainers(
  paths: RuntimePaths,
  runc: Runc,
  cgroups: CgroupManager,
  podUid?: string,
): Promise<ContainerStatus[]> {
  const records = (await readContainerRecords(paths)).filter(
    (r) => podUid === undefined || r.podUid === podUid,
  );
  return Promise.all(records.map((r) => observeContainer(paths, runc, cgroups, r)));
}

export async function readContainerRecords(paths: RuntimePaths): Promise<ContainerRecord[]> {
  const ids = await readdir(paths.containersDir).catch(() => [] as string[]);
  const records = await Promise.all(ids.map((id) => loadContainer(paths, id)));
  return records.filter((r): r is ContainerRecord => r !== undefined);
}

function loadContainer(paths: RuntimePaths, id: string): Promise<ContainerRecord | undefined> {
  return readJsonIfExists<ContainerRecord>(join(paths.container(id), 'container.json'));
}

/**
 * Observed state: runc's view, conmon's exit file, and the memory cgroup's OOM counter. The first sight of an exit
 * is saved to exit.json, so the verdict survives `runc delete` (which removes the cgroup). With `killUnmonitored`
 * (the daemon, not `podlet ps`), a container whose conmon died is killed: see conmon-liveness.ts.
 */
export async function observeContainer(
  paths: RuntimePaths,
  runc: Runc,
  cgroups: CgroupManager,
  record: ContainerRecord,
  exits = new Map<string, ExitRecord>(),
  killUnmonitored = false,
): Promise<ContainerStatus> {
  const known = exits.get(record.id);
  if (known) return { record, state: 'exited', ...known };
  if (record.phase === 'creating') return { record, state: 'unknown', oomKilled: false };
  // A live container first: most are, and it is the cheaper question.
  let state = await runc.state(record.id);
  const bundle = paths.bundle(record.id);
  if (state?.status === 'running' && killUnmonitored && !conmonAlive(bundle, record.id))
    state = await killUnmonitoredContainer(runc, record.id);
  if (state?.status === 'running') return { record, state: 'running', pid: state.pid, oomKilled: false };
  if (state?.status === 'created') return { record, state: 'created', oomKilled: false };
  const exitPath = join(paths.container(record.id), 'exit.json');
  const saved = await readJsonIfExists<ExitRecord>(exitPath);
  if (saved) {
    exits.set(record.id, saved);
    return { record, state: 'exited', ...saved };
  }
  let exit = await readExitFile(paths, cgroups, record);
  // conmon writes the exit file and then exits: once it is gone the file is read again, or a container that has
  // just ended would pass for one whose monitor died.
  if (!exit && !conmonAlive(bundle, record.id))
    exit = (await readExitFile(paths, cgroups, record)) ?? lostMonitorExit();
  if (!exit) return { record, state: 'unknown', oomKilled: false };
  await writeJsonAtomic(exitPath, exit);
  exits.set(record.id, exit);
  return { record, state: 'exited', ...exit };
}

async function readExitFile(
  paths: RuntimePaths,
  cgroups: CgroupManager,
  record: ContainerRecord,
): Promise<ExitRecord | undefined> {
  try {
    const file = paths.exitFile(record.id);
    const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const oomKills = await cgroups.readOomKillCount(record.cgroupPath).catch(() => 0);
    return { exitCode: Number(text.trim()), finishedAt: st.mtime.toISOString(), oomKilled: oomKills > 0 };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
