// The orphan check of the chaos suite: everything one podlet instance holds on the host that no pod in its store
// accounts for. Wider than leftovers() (which expects nothing at all): it runs while pods are alive and asks, for
// each runtime object, whether a stored pod owns it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readIpamAllocations } from '../../../src/network/host-local-store.js';
import { readContainerRecords } from '../../../src/runtime/container-observe.js';
import { RuntimePaths } from '../../../src/runtime/paths.js';
import { readSandboxRecords } from '../../../src/runtime/sandbox.js';
import { runUnchecked } from '../../../src/util/exec.js';
import type { Instance } from '../../integration/support/podlet-process.js';

/** Each list names what is orphaned; every list is empty when the instance is clean. */
export interface Orphans {
  /** runc containers under the instance's runc root whose pod is not in the store (or with no record at all). */
  runcContainers: string[];
  /** conmon processes of the instance (their bundle is under the data dir) whose container runc no longer has. */
  conmons: string[];
  /** Mounts under the data dir (overlay roots, shm, volumes) of no stored pod. */
  mounts: string[];
  /** Network namespaces of the instance's sandboxes, or holding an address of its pod CIDR, of no stored pod. */
  netns: string[];
  /** Host ends of veths on the instance's bridge that no stored pod's sandbox owns. */
  veths: string[];
  /** Pod and container cgroups under the instance's cgroup parent of no stored pod or known container. */
  cgroups: string[];
  /** host-local reservations of the instance's network held by no stored pod's sandbox. */
  ipam: string[];
  /** Pod log directories under <data>/logs of no stored pod. */
  logDirs: string[];
}

export const NO_ORPHANS: Orphans = {
  runcContainers: [],
  conmons: [],
  mounts: [],
  netns: [],
  veths: [],
  cgroups: [],
  ipam: [],
  logDirs: [],
};

/** What the instance's runtime records say: which pod each sandbox and container belongs to. */
interface Ownership {
  storeUids: ReadonlySet<string>;
  /** Sandbox and container ID -> pod UID. */
  podOf: Map<string, string>;
  /** Sandboxes of stored pods. */
  liveSandboxes: { id: string; netnsName: string; hostVeths: string[] }[];
}

/** Everything of instance `i` that no pod of `storeUids` (the UIDs the API server holds) accounts for. */
export async function findOrphans(i: Instance, storeUids: ReadonlySet<string>): Promise<Orphans> {
  const paths = new RuntimePaths(i.dataDir);
  const [sandboxes, containers] = await Promise.all([readSandboxRecords(paths), readContainerRecords(paths)]);
  const podOf = new Map<string, string>();
  for (const r of [...sandboxes, ...containers]) podOf.set(r.id, r.podUid);
  const liveSandboxes = sandboxes
    .filter((s) => storeUids.has(s.podUid))
    .map((s) => ({ id: s.id, netnsName: s.netnsName, hostVeths: hostVethsOf(s.cniResult) }));
  const own: Ownership = { storeUids, podOf, liveSandboxes };
  const runcIds = await readdir(paths.runcRoot).catch(() => [] as string[]);
  return {
    runcContainers: runcIds.filter((id) => !owned(own, id)),
    conmons: await orphanConmons(i.dataDir, new Set(runcIds), own),
    mounts: await orphanMounts(i.dataDir, own),
    netns: await orphanNetns(i, own),
    veths: await orphanVeths(i.bridge, own),
    cgroups: await orphanCgroups(i.cgroupParent, own),
    ipam: (await readIpamAllocations(join(i.dataDir, 'network', 'ipam'), i.bridge))
      .filter((a) => !liveSandboxes.some((s) => s.id === a.containerId))
      .map((a) => `${a.ip} ${a.containerId}`),
    logDirs: (await readdir(paths.logsDir).catch(() => [] as string[])).filter(
      (d) => !storeUids.has(d.split('_').pop() ?? ''),
    ),
  };
}

function owned(own: Ownership, id: string): boolean {
  const uid = own.podOf.get(id);
  return uid !== undefined && own.storeUids.has(uid);
}

/** The host-side interfaces of a CNI result: those without a `sandbox` (the pod's eth0 has one). */
function hostVethsOf(cniResult: unknown): string[] {
  const interfaces = (cniResult as { interfaces?: { name?: string; sandbox?: string; mac?: string }[] })
    ?.interfaces;
  return (interfaces ?? []).filter((x) => !x.sandbox && x.name).map((x) => x.name ?? '');
}

/** conmon's command line names the bundle (`-b <data>/run/bundles/<id>`) and the container (`-c <id>`). */
async function orphanConmons(dataDir: string, runcIds: Set<string>, own: Ownership): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!argv[0]?.endsWith('conmon')) continue;
    const bundle = argv[argv.indexOf('-b') + 1] ?? '';
    if (!bundle.startsWith(`${dataDir}/`)) continue;
    const id = argv[argv.indexOf('-c') + 1] ?? '';
    if (!runcIds.has(id) || !owned(own, id)) found.push(`${pid} ${id}`);
  }
  return found;
}

/**
 * Mounts below the data dir, attributed by their path: run/bundles/<id>, containers/<id> or pods/<uid>; the run dir's
 * own tmpfs belongs to the instance.
 */
async function orphanMounts(dataDir: string, own: Ownership): Promise<string[]> {
  const runDir = new RuntimePaths(dataDir).runDir;
  const targets = (await readFile('/proc/self/mounts', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((t) => t.startsWith(`${dataDir}/`) && t !== runDir);
  return targets.filter((t) => {
    const inRun = t.startsWith(`${runDir}/`);
    const [kind, id = ''] = t.slice((inRun ? runDir : dataDir).length + 1).split('/');
    if (kind === 'containers' || kind === 'bundles') return !owned(own, id);
    if (kind === 'pods') return !own.storeUids.has(id);
    return true;
  });
}

/** Network namespaces named after a sandbox of no stored pod, or holding an address of the pod CIDR unaccounted. */
async function orphanNetns(i: Instance, own: Ownership): Promise<string[]> {
  const live = new Set(own.liveSandboxes.map((s) => s.netnsName));
  const names = (await readdir('/run/netns').catch(() => [] as string[])).filter((n) =>
    n.startsWith('podlet-'),
  );
  const prefix = i.podCidr.split('.').slice(0, 3).join('.') + '.';
  const found: string[] = [];
  for (const name of names) {
    if (live.has(name)) continue;
    const ours = [...own.podOf.keys()].some((id) => name === `podlet-${id.slice(0, 12)}`);
    const addrs = await runUnchecked('ip', ['-n', name, '-o', '-4', 'addr', 'show'], { timeoutMs: 10_000 });
    if (ours || addrs.stdout.includes(` ${prefix}`)) found.push(name);
  }
  return found;
}

async function orphanVeths(bridge: string, own: Ownership): Promise<string[]> {
  const r = await runUnchecked('ip', ['-o', 'link', 'show', 'master', bridge], { timeoutMs: 10_000 });
  const live = new Set(own.liveSandboxes.flatMap((s) => s.hostVeths));
  return r.stdout
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((name): name is string => name !== undefined && !live.has(name));
}

/** <parent>[/burstable|/besteffort]/pod<uid>[/<id>] in every hierarchy. */
async function orphanCgroups(parent: string, own: Ownership): Promise<string[]> {
  const found: string[] = [];
  for (const ctl of await readdir('/sys/fs/cgroup')) {
    const top = join('/sys/fs/cgroup', ctl, parent);
    for (const dir of [top, join(top, 'burstable'), join(top, 'besteffort')]) {
      for (const pod of (await subdirs(dir)).filter((d) => d.startsWith('pod'))) {
        const podDir = join(dir, pod);
        if (!own.storeUids.has(pod.slice(3))) {
          found.push(podDir);
          continue;
        }
        for (const id of await subdirs(podDir)) if (!owned(own, id)) found.push(join(podDir, id));
      }
    }
  }
  return found;
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}
