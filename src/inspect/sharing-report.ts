// Builds the sharing report of one pod from the live system: the runtime's records say which processes belong to
// the pod, and /proc, the cgroup files and the runc bundles say what each of them shares.
import { join, relative, sep } from 'node:path';
import type { CgroupManager } from '../runtime/cgroups/manager.js';
import { listContainers } from '../runtime/container-observe.js';
import type { Mount, Spec } from '../runtime/oci/types.js';
import type { RuntimePaths } from '../runtime/paths.js';
import type { Runc } from '../runtime/runc.js';
import { listSandboxes } from '../runtime/sandbox.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/types.js';
import { readJsonIfExists } from '../util/fs.js';
import { listeningSockets, namespaceInodes, oomScoreAdj } from './proc.js';
import {
  NAMESPACE_TYPES,
  type CgroupView,
  type MemberView,
  type MountView,
  type NamespaceType,
  type NamespaceView,
  type SharingReport,
  type VolumeView,
} from './types.js';

export interface InspectSources {
  paths: RuntimePaths;
  runc: Runc;
  cgroups: CgroupManager;
}

export const PAUSE = '(pause)';

/** The report of the pod's current sandbox, or undefined when the runtime has none for that name. */
export async function inspectPod(
  src: InspectSources,
  namespace: string,
  name: string,
): Promise<SharingReport | undefined> {
  const sandboxes = (await listSandboxes(src.paths, src.runc)).filter(
    (s) => s.record.podNamespace === namespace && s.record.podName === name,
  );
  const sandbox = sandboxes.sort(byReadyThenNewest)[0];
  if (!sandbox) return undefined;
  const containers = (await listContainers(src.paths, src.runc, src.cgroups, sandbox.record.podUid)).filter(
    (c) => c.record.sandboxId === sandbox.record.id,
  );
  const observed = [
    await pauseMember(src, sandbox),
    ...(await Promise.all(current(containers).map((c) => containerMember(src, c)))),
  ];
  const members = await withSharing(observed);
  return {
    pod: {
      namespace,
      name,
      uid: sandbox.record.podUid,
      ips: sandbox.record.ips,
      hostname: sandbox.record.hostname,
    },
    listening: sandbox.pid ? await listeningSockets(sandbox.pid) : [],
    members,
    volumes: sharedVolumes(members),
  };
}

function byReadyThenNewest(a: SandboxStatus, b: SandboxStatus): number {
  if (a.state !== b.state) return a.state === 'ready' ? -1 : 1;
  return b.record.createdAt.localeCompare(a.record.createdAt);
}

/** Per container name, the running instance, else the latest one. */
function current(containers: ContainerStatus[]): ContainerStatus[] {
  const byName = new Map<string, ContainerStatus>();
  for (const c of containers) {
    const seen = byName.get(c.record.name);
    const running = c.state === 'running';
    const seenRunning = seen?.state === 'running';
    const better =
      !seen ||
      (running && !seenRunning) ||
      (running === seenRunning && c.record.attempt > seen.record.attempt);
    if (better) byName.set(c.record.name, c);
  }
  const order = { init: 0, sidecar: 1, regular: 2, ephemeral: 3 } as const;
  return [...byName.values()].sort(
    (a, b) => order[a.record.kind] - order[b.record.kind] || a.record.name.localeCompare(b.record.name),
  );
}

/** A member as observed, with its namespaces' inodes while its process runs. */
interface Observed {
  view: MemberView;
  inodes?: Record<NamespaceType, number> | undefined;
}

async function pauseMember(src: InspectSources, sandbox: SandboxStatus): Promise<Observed> {
  const pid = sandbox.state === 'ready' ? sandbox.pid : undefined;
  const { inodes, ...facts } = await processFacts(src, pid, sandbox.record.cgroupPath);
  return {
    view: { name: PAUSE, kind: 'pause', id: sandbox.record.id, state: sandbox.state, ...facts, mounts: [] },
    inodes,
  };
}

async function containerMember(src: InspectSources, c: ContainerStatus): Promise<Observed> {
  const spec = await readJsonIfExists<Spec>(join(src.paths.bundle(c.record.id), 'config.json'));
  const pid = c.state === 'running' ? c.pid : undefined;
  const { inodes, ...facts } = await processFacts(src, pid, c.record.cgroupPath);
  return {
    view: {
      name: c.record.name,
      kind: c.record.kind,
      id: c.record.id,
      state: c.state,
      attempt: c.record.attempt,
      ...facts,
      rootfsUpper: join(src.paths.container(c.record.id), 'upper'),
      mounts: (spec?.mounts ?? []).flatMap((m) => mountView(src.paths, c.record.podUid, m)),
    },
    inodes,
  };
}

async function processFacts(
  src: InspectSources,
  pid: number | undefined,
  cgroupPath: string,
): Promise<Pick<MemberView, 'pid' | 'oomScoreAdj' | 'cgroup'> & { inodes?: Record<NamespaceType, number> }> {
  if (pid === undefined) return {};
  const [inodes, adj, cgroup] = await Promise.all([
    namespaceInodes(pid),
    oomScoreAdj(pid),
    cgroupView(src.cgroups, cgroupPath).catch(() => undefined),
  ]);
  return {
    pid,
    ...(inodes ? { inodes } : {}),
    ...(adj !== undefined ? { oomScoreAdj: adj } : {}),
    ...(cgroup ? { cgroup } : {}),
  };
}

async function cgroupView(cgroups: CgroupManager, path: string): Promise<CgroupView> {
  const [limits, usage, pids] = await Promise.all([
    cgroups.readLimits(path),
    cgroups.readCpuAndMemory(path),
    cgroups.readPidsCurrent(path),
  ]);
  return {
    path,
    cpu: {
      ...(limits.cpuShares !== undefined ? { shares: limits.cpuShares } : {}),
      ...(limits.cpuWeight !== undefined ? { weight: limits.cpuWeight } : {}),
      quotaMicros: limits.cpuQuota,
      periodMicros: limits.cpuPeriod,
      usageNanos: String(usage.cpuUsageNanos),
    },
    memory: {
      limitBytes: limits.memoryLimit,
      usageBytes: usage.memoryUsageBytes,
      workingSetBytes: usage.workingSetBytes,
    },
    pids: { limit: limits.pidsLimit, current: pids },
  };
}

/**
 * Each namespace of each running member, compared with every other member's and with the node's: podlet's own
 * (PID 1's may be out of reach, and podlet runs in the node's namespaces).
 */
async function withSharing(observed: Observed[]): Promise<MemberView[]> {
  const host = await namespaceInodes('self');
  return observed.map(({ view, inodes }) => {
    if (!inodes) return view;
    const namespaces = {} as Record<NamespaceType, NamespaceView>;
    for (const type of NAMESPACE_TYPES) {
      const inode = inodes[type];
      const others = observed
        .filter((o) => o.view !== view && o.inodes?.[type] === inode)
        .map((o) => o.view.name);
      const sharing = host?.[type] === inode ? 'host' : others.length > 0 ? 'shared' : 'private';
      namespaces[type] = { inode, sharing, with: others };
    }
    return { ...view, namespaces };
  });
}

/** podlet's own per-pod files get a name in parentheses; hostPath and other sources show as their path. */
function mountView(paths: RuntimePaths, podUid: string, m: Mount): MountView[] {
  if (m.type !== 'bind' || m.source === undefined) return [];
  const podDir = paths.pod(podUid);
  const readOnly = (m.options ?? []).includes('ro');
  const inPod = relative(podDir, m.source);
  let volume = m.source;
  if (!inPod.startsWith('..')) {
    const [first, , name] = inPod.split(sep);
    if (first === 'volumes' && name !== undefined) volume = name;
    else if (first === 'etc-hosts') volume = '(hosts file)';
    else if (first === 'resolv.conf') volume = '(resolv.conf)';
    else if (first === 'hostname') volume = '(hostname)';
  } else if (m.destination === '/dev/shm') volume = '(pod /dev/shm)';
  else if (m.destination === '/dev/termination-log' || m.source.startsWith(paths.containersDir)) return [];
  return [{ volume, source: m.source, destination: m.destination, readOnly }];
}

/** Every mount source used by the pod, with who mounts it where. */
function sharedVolumes(members: MemberView[]): VolumeView[] {
  const bySource = new Map<string, VolumeView>();
  for (const member of members) {
    for (const m of member.mounts) {
      const view = bySource.get(m.source) ?? { volume: m.volume, source: m.source, mountedBy: [] };
      view.mountedBy.push({ container: member.name, destination: m.destination, readOnly: m.readOnly });
      bySource.set(m.source, view);
    }
  }
  return [...bySource.values()].sort((a, b) => a.volume.localeCompare(b.volume));
}
