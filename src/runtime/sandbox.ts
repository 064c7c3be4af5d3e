import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, copyFile, rename } from 'node:fs/promises';
import { hostname as hostHostname } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { renderEtcHosts, renderHostNetworkEtcHosts } from '../network/dns-files.js';
import { attachNetns, createNetns, removeNetns } from '../network/netns.js';
import type { PodNetwork, PodNetworkRequest, PortMapping } from '../network/cni.js';
import {
  ensureDir,
  exists,
  readJsonIfExists,
  removeTree,
  writeFileReplacing,
  writeJsonAtomic,
  writeJsonReplacing,
} from '../util/fs.js';
import type { Logger } from '../util/log.js';
import { mount, unmount } from '../util/mount.js';
import { allOrFirstError } from '../util/settle.js';
import { buildSandboxSpec } from './oci/sandbox-spec.js';
import { loadLocalhostSeccomp, seccompProfileRoot } from './oci/seccomp.js';
import type { HostFacts } from './host-facts.js';
import type { RuntimePaths } from './paths.js';
import { RecordCache } from './record-cache.js';
import type { Runc } from './runc.js';
import { pinNamespaces, pinnedNamespacePaths, unpinNamespaces } from './pinned-namespaces.js';
import type { SandboxRecord, SandboxStatus, StartingSandbox, UserNamespace } from './types.js';
import { allocateUserNamespace, TRAVERSABLE_DIR } from './userns.js';

export interface SandboxConfig {
  pod: Pod;
  /** The kernel (UTS) hostname: the FQDN with setHostnameAsFQDN. */
  hostname: string;
  /** The short name written in /etc/hosts. */
  hostsName: string;
  /** Set with `subdomain`: written in /etc/hosts before the short name. */
  fqdn?: string;
  resolvConf: string;
  sharePid: boolean;
  portMappings: PortMapping[];
  /** The pod's cgroup (relative path); the pause container's cgroup goes below it. */
  podCgroupPath: string;
  shmSizeBytes: number;
}

export const CATATONIT_BINARY = '/usr/bin/catatonit';
/** The node's hosts file, which a hostNetwork pod gets (kubelet_pods.go nodeHostsFileContent). */
const NODE_HOSTS_FILE = '/etc/hosts';
/** The sandbox's oom_score_adj (kubelet qos/policy.go PodInfraOOMAdj). */
const PAUSE_OOM_SCORE_ADJ = -998;

/** What setUp leaves under way: the pause's start and the network's set-up. */
interface SandboxStart {
  pause: Promise<void>;
  network: Promise<void>;
}

/** Pod sandboxes: one catatonit ("pause") per pod owning its network, IPC, UTS (and shared PID) namespaces. */
export class SandboxManager {
  private readonly records: RecordCache<SandboxRecord>;
  /** User namespace ranges handed out to sandboxes whose record may not be saved yet. */
  private readonly reservedUserns = new Set<number>();

  constructor(
    private readonly paths: RuntimePaths,
    private readonly runc: Runc,
    private readonly network: PodNetwork,
    private readonly host: HostFacts,
    private readonly logger: Logger,
  ) {
    this.records = new RecordCache(() => readSandboxRecords(paths));
  }

  /**
   * Makes the pod's sandbox and returns once its network is set up. A pod whose namespaces are pinned (decision 0048)
   * gets it back while the pause process starts; any other once the pause runs.
   */
  async run(config: SandboxConfig): Promise<StartingSandbox> {
    const meta = config.pod.metadata ?? {};
    const id = randomBytes(16).toString('hex');
    const bundle = this.paths.bundle(id);
    // A hostNetwork pod has no network namespace of its own (netnsName and netnsPath stay empty, as containerd
    // leaves NetNSPath empty) and lives in the host's UTS namespace, so its hostname is the node's.
    const hostNetwork = config.pod.spec?.hostNetwork === true;
    const netnsName = hostNetwork ? '' : `podlet-${id.slice(0, 12)}`;
    const record: SandboxRecord = {
      id,
      podUid: meta.uid ?? '',
      podName: meta.name ?? '',
      podNamespace: meta.namespace ?? 'default',
      phase: 'creating',
      createdAt: new Date().toISOString(),
      netnsName,
      netnsPath: netnsName === '' ? '' : `/run/netns/${netnsName}`,
      cgroupPath: `${config.podCgroupPath}/${id}`,
      sharePid: config.sharePid,
      hostname: hostNetwork ? hostHostname() : config.hostname,
      portMappings: config.portMappings,
      ips: [],
      ...(config.pod.spec?.hostUsers === false ? { userns: await this.allocateUserns() } : {}),
      ...(pinnable(config.pod) ? { pinnedNamespaces: pinnedNamespacePaths(bundle) } : {}),
    };
    // A pod's own user namespace must reach its files from inside (see ContainerRuntime.open).
    const mode = record.userns ? TRAVERSABLE_DIR : 0o700;
    await ensureDir(this.paths.sandbox(id), mode);
    await ensureDir(bundle, mode);
    // Written first: if podlet dies from here on, the next start finds the record and tears down what exists.
    await this.save(record);
    let started: SandboxStart;
    try {
      started = await this.setUp(record, config);
    } catch (e) {
      this.logger.warn({ pod: record.podName, sandbox: id, err: e }, 'sandbox creation failed; tearing down');
      await this.remove(id);
      throw e;
    }
    // Both settle before the sandbox counts as failed: the sync that removes it must not race a CNI ADD under way.
    const running = allOrFirstError([started.pause, started.network]).then(async () => {
      record.phase = 'ready';
      await this.save(record);
      return this.status(record);
    });
    // Whoever holds the sandbox awaits this; until then a failure must not count as unhandled. The record stays in
    // `creating`, so the sandbox is dead to the kubelet, which removes it with its containers.
    running.catch((err: unknown) =>
      this.logger.warn({ pod: record.podName, sandbox: id, err }, 'sandbox failed to start'),
    );
    return { record, running };
  }

  /**
   * Sets the sandbox up. A pod with pinned namespaces gets it back as soon as they exist, with its pause process
   * starting and its network being wired up (decision 0051); any other pod once both are done.
   */
  private async setUp(record: SandboxRecord, config: SandboxConfig): Promise<SandboxStart> {
    const bundle = this.paths.bundle(record.id);
    const podDir = this.paths.pod(record.podUid);
    await ensureDir(podDir, 0o700);
    writeFileReplacing(join(podDir, 'resolv.conf'), config.resolvConf);
    writeFileReplacing(join(podDir, 'hostname'), `${record.hostname}\n`);
    await this.ensurePauseRootfs();
    writeJsonReplacing(join(bundle, 'config.json'), await this.pauseSpec(record, config));
    // A pod with its own user namespace gets its network namespace from runc, made inside it (see below); any
    // other pod's is made here, beside its /dev/shm and pinned IPC and UTS namespaces.
    const ownNetns = !record.userns && record.netnsName !== '';
    // A pinnable pod has a network namespace of its own (it is neither hostNetwork nor user-namespaced).
    const namespaces = record.pinnedNamespaces
      ? pinNamespaces(record.pinnedNamespaces, record.netnsPath)
      : ownNetns
        ? createNetns(record.netnsName)
        : undefined;
    await allOrFirstError([this.mountShm(bundle, config), ...(namespaces ? [namespaces] : [])]);
    // No conmon: the pause process writes no log, nobody attaches to it, and the relist sees it die (decision 0044).
    if (record.userns) {
      await this.setUpInUserNamespace(record, podDir, config);
      return { pause: Promise.resolve(), network: Promise.resolve() };
    }
    // The pause joins the network namespace by its path, so it starts while the CNI plugins wire that up.
    const pause = this.runc.createUnmonitored(record.id, bundle, true);
    const hostsFile = join(podDir, 'etc-hosts');
    // Containers bind-mount the hosts file when they are created: it must exist by then, and gets its content (the
    // pod's IPs) in place, on the same inode, before any of them starts.
    closeSync(openSync(hostsFile, 'a', 0o644));
    const network = this.setUpNetwork(record).then(async () => {
      writeFileSync(hostsFile, await etcHosts(record, config));
    });
    // Awaited below or by the caller; not unhandled meanwhile.
    for (const step of [pause, network]) step.catch(() => undefined);
    // Containers join a pinned namespace by its path; the others', /proc/<pause>/ns/*: the pause must run first.
    if (record.pinnedNamespaces) return { pause, network };
    await allOrFirstError([network, pause]);
    return { pause, network };
  }

  /** runc makes the network namespace inside the user namespace: the network is wired up between create and start. */
  private async setUpInUserNamespace(record: SandboxRecord, podDir: string, config: SandboxConfig) {
    await this.runc.createUnmonitored(record.id, this.paths.bundle(record.id));
    const pid = (await this.runc.state(record.id))?.pid;
    if (pid === undefined) throw new Error(`sandbox ${record.id} has no process after runc create`);
    await attachNetns(record.netnsName, pid);
    await this.setUpNetwork(record);
    writeFileReplacing(join(podDir, 'etc-hosts'), await etcHosts(record, config));
    await this.runc.start(record.id);
  }

  /** The pod's /dev/shm, shared by its containers; with hostIPC they bind the host's instead (containerd). */
  private async mountShm(bundle: string, config: SandboxConfig): Promise<void> {
    if (config.pod.spec?.hostIPC === true) return;
    await ensureDir(join(bundle, 'shm'));
    await mount('shm', join(bundle, 'shm'), 'tmpfs', [
      'nosuid',
      'nodev',
      'noexec',
      'mode=1777',
      `size=${config.shmSizeBytes}`,
    ]);
  }

  private async pauseSpec(record: SandboxRecord, config: SandboxConfig) {
    return buildSandboxSpec({
      pod: config.pod,
      hostname: config.hostname,
      rootfs: this.paths.pauseRootfs,
      netnsPath: record.netnsPath,
      ...(record.pinnedNamespaces ? { pinnedNamespaces: record.pinnedNamespaces } : {}),
      userns: record.userns,
      cgroupsPath: record.cgroupPath,
      hostRlimits: this.host.rlimits,
      oomScoreAdj: PAUSE_OOM_SCORE_ADJ,
      oomScoreAdjFloor: this.host.oomScoreAdjFloor,
      localhostSeccomp: await loadLocalhostSeccomp(
        config.pod,
        undefined,
        seccompProfileRoot(this.paths.dataDir),
      ),
    });
  }

  /** The lowest free range, reserved before the first await so that concurrent sandboxes never share one. */
  private async allocateUserns(): Promise<UserNamespace> {
    const records = await this.records.all();
    const taken = new Set([
      ...this.reservedUserns,
      ...records.flatMap((r) => (r.userns ? [r.userns.hostId] : [])),
    ]);
    const userns = allocateUserNamespace(taken);
    this.reservedUserns.add(userns.hostId);
    return userns;
  }

  /** The CNI chain run in the pod's network namespace (made before); nothing for a hostNetwork pod. */
  private async setUpNetwork(record: SandboxRecord): Promise<void> {
    if (record.netnsName === '') return;
    const net = await this.network.add(networkRequest(record));
    record.ips = net.ips;
    record.cniResult = net.result;
    await this.save(record);
  }

  /** A read-only root holding only catatonit, shared by every sandbox. */
  private async ensurePauseRootfs(): Promise<void> {
    const root = this.paths.pauseRootfs;
    if (await exists(join(root, 'catatonit'))) return;
    for (const d of ['proc', 'dev', 'sys', 'etc']) await ensureDir(join(root, d));
    // A temporary name of its own: pods whose sandboxes start together (after a restart) all get here at once.
    const tmp = join(root, `.catatonit.${randomBytes(6).toString('hex')}`);
    await copyFile(CATATONIT_BINARY, tmp);
    await chmod(tmp, 0o755);
    await rename(tmp, join(root, 'catatonit'));
  }

  /** Stops the pause process and detaches the network; idempotent (kubelet StopPodSandbox). */
  async stop(id: string): Promise<void> {
    const record = await this.load(id);
    await this.runc.kill(id, 'SIGKILL', true);
    // With the pause gone nothing of the pod may run: its IPC namespace (and the memory it holds) goes too.
    if (record?.pinnedNamespaces) await unpinNamespaces(record.pinnedNamespaces);
    if (!record || record.netnsName === '') return;
    await this.network.remove(networkRequest(record), record.cniResult);
    await removeNetns(record.netnsName);
  }

  /** Removes every trace of the sandbox; safe on a half-created one and on one already gone. */
  async remove(id: string): Promise<void> {
    const record = await this.load(id);
    await this.stop(id);
    await this.runc.delete(id);
    const bundle = this.paths.bundle(id);
    await unmount(join(bundle, 'shm'));
    await removeTree(this.paths.exitFile(id));
    await removeTree(join(this.paths.socketDir, id));
    await removeTree(bundle);
    await removeTree(this.paths.sandbox(id));
    await this.records.delete(id);
    if (record?.userns) this.reservedUserns.delete(record.userns.hostId);
  }

  async list(podUid?: string): Promise<SandboxStatus[]> {
    const records = (await this.records.all()).filter((r) => podUid === undefined || r.podUid === podUid);
    return Promise.all(records.map((r) => observeSandbox(this.runc, r)));
  }

  /** Every record, without observing state (no runc call). */
  all(): Promise<SandboxRecord[]> {
    return this.records.all();
  }

  load(id: string): Promise<SandboxRecord | undefined> {
    return this.records.get(id);
  }

  private status(record: SandboxRecord): Promise<SandboxStatus> {
    return observeSandbox(this.runc, record);
  }

  private async save(record: SandboxRecord): Promise<void> {
    await writeJsonAtomic(join(this.paths.sandbox(record.id), 'sandbox.json'), record);
    await this.records.set(record);
  }
}

/**
 * Whether the pod's namespaces can be pinned before its pause runs: not when it shares one with the host, nor when
 * its containers need the pause's own (its PID namespace, or the user namespace runc makes for it).
 */
function pinnable(pod: Pod): boolean {
  const spec = pod.spec ?? { containers: [] };
  return !(
    spec.hostNetwork === true ||
    spec.hostIPC === true ||
    spec.hostPID === true ||
    spec.shareProcessNamespace === true ||
    spec.hostUsers === false
  );
}

function networkRequest(record: SandboxRecord): PodNetworkRequest {
  return {
    id: record.id,
    netnsPath: record.netnsPath,
    podName: record.podName,
    podNamespace: record.podNamespace,
    podUid: record.podUid,
    portMappings: record.portMappings,
  };
}

/** The pod's /etc/hosts: its IPs under its name, or for a hostNetwork pod the node's file (kubelet_pods.go). */
async function etcHosts(record: SandboxRecord, config: SandboxConfig): Promise<string> {
  const hostAliases = config.pod.spec?.hostAliases;
  if (record.netnsName === '') {
    return renderHostNetworkEtcHosts(readFileSync(NODE_HOSTS_FILE, 'utf8'), hostAliases);
  }
  return renderEtcHosts({
    podIPs: record.ips,
    hostname: config.hostsName,
    ...(config.fqdn ? { fqdn: config.fqdn } : {}),
    ...(hostAliases ? { hostAliases } : {}),
  });
}

/** Every sandbox on disk with its observed state; read-only, so `podlet ps` can use it without a daemon. */
export async function listSandboxes(
  paths: RuntimePaths,
  runc: Runc,
  podUid?: string,
): Promise<SandboxStatus[]> {
  // Records are cheap to read; observing means a runc call, so only the asked-for pod is observed.
  const records = (await readSandboxRecords(paths)).filter(
    (r) => podUid === undefined || r.podUid === podUid,
  );
  return Promise.all(records.map((r) => observeSandbox(runc, r)));
}

export async function readSandboxRecords(paths: RuntimePaths): Promise<SandboxRecord[]> {
  const ids = listDir(paths.sandboxesDir);
  const records = await Promise.all(ids.map((id) => loadSandbox(paths, id)));
  return records.filter((r): r is SandboxRecord => r !== undefined);
}

function loadSandbox(paths: RuntimePaths, id: string): Promise<SandboxRecord | undefined> {
  return readJsonIfExists<SandboxRecord>(join(paths.sandbox(id), 'sandbox.json'));
}

async function observeSandbox(runc: Runc, record: SandboxRecord): Promise<SandboxStatus> {
  const state = await runc.state(record.id);
  const running = record.phase === 'ready' && state?.status === 'running';
  return { record, state: running ? 'ready' : 'notready', ...(running && state ? { pid: state.pid } : {}) };
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
