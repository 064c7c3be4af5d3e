import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, watch, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerCgroupValues } from '../api/resources.js';
import type { ImageRecord } from '../image/types.js';
import { ensureDir, isNotFound, removeTree, writeJsonAtomic, writeJsonReplacing } from '../util/fs.js';
import type { Logger } from '../util/log.js';
import { mount, unmount } from '../util/mount.js';
import type { CgroupManager } from './cgroups/manager.js';
import { startConmon } from './conmon.js';
import { observeContainer, readContainerRecords, type ExitRecord } from './container-observe.js';
import { buildContainerSpec, stopSignal, type ContainerNamespaces } from './oci/container-spec.js';
import { readHostDevices } from './oci/host-devices.js';
import { loadLocalhostSeccomp, seccompProfileRoot } from './oci/seccomp.js';
import type { HostFacts } from './host-facts.js';
import { idmappedLayers, unmountLayers } from './idmapped-layers.js';
import type { Mount } from './oci/types.js';
import type { RuntimePaths } from './paths.js';
import { RecordCache } from './record-cache.js';
import type { Runc } from './runc.js';
import type {
  ContainerKind,
  ContainerRecord,
  ContainerStatus,
  SandboxRecord,
  StartingSandbox,
} from './types.js';
import { TRAVERSABLE_DIR } from './userns.js';

export interface ContainerConfig {
  pod: Pod;
  container: Container;
  kind: ContainerKind;
  attempt: number;
  image: ImageRecord;
  imageRef: string;
  specHash: string;
  /** Pod volumes and other mounts decided above the runtime. */
  mounts: Mount[];
  extraEnv: { name: string; value: string }[];
  resources: ContainerCgroupValues;
  oomScoreAdj: number;
  /** Join this PID namespace (an ephemeral container's target) rather than the pod's or its own. */
  pidNamespace?: string;
}

/** How often a stop asks runc whether the container ended, between inotify wake-ups. */
const EXIT_RECHECK_MS = 500;

export interface ContainerManagerOptions {
  /** A private cgroup namespace per container (containerd does so on cgroup v2 only). */
  cgroupNamespace: boolean;
  /** conmon's --log-size-max (RuntimeOptions.containerLogSizeMax). */
  logSizeMax: number | undefined;
}

/** Containers: an overlayfs root per container, an OCI config, one conmon each, runc for the rest. */
export class ContainerManager {
  private readonly records: RecordCache<ContainerRecord>;
  /** A container's exit, once seen, never changes: kept in memory so a relist does not read it again. */
  private readonly exits = new Map<string, ExitRecord>();

  constructor(
    private readonly paths: RuntimePaths,
    private readonly runc: Runc,
    private readonly cgroups: CgroupManager,
    private readonly host: HostFacts,
    private readonly logger: Logger,
    private readonly options: ContainerManagerOptions,
  ) {
    this.records = new RecordCache(() => readContainerRecords(paths));
  }

  /** Creates the container (not started) in the sandbox, which may still be starting (see StartingSandbox). */
  async create(starting: StartingSandbox, config: ContainerConfig): Promise<ContainerRecord> {
    const sandbox = starting.record;
    // Containers join pinned namespaces by path; the others are the pause's own, reached through its process.
    const sandboxPid = sandbox.pinnedNamespaces ? undefined : (await starting.running).pid;
    const id = randomBytes(16).toString('hex');
    const dir = this.paths.container(id);
    const record: ContainerRecord = {
      id,
      sandboxId: sandbox.id,
      podUid: sandbox.podUid,
      podName: sandbox.podName,
      podNamespace: sandbox.podNamespace,
      name: config.container.name,
      kind: config.kind,
      attempt: config.attempt,
      image: config.imageRef,
      imageId: config.image.id,
      specHash: config.specHash,
      phase: 'creating',
      createdAt: new Date().toISOString(),
      logPath: this.paths.containerLog(
        sandbox.podNamespace,
        sandbox.podName,
        sandbox.podUid,
        config.container.name,
        config.attempt,
      ),
      cgroupPath: this.cgroups.containerCgroupPath(dirname(sandbox.cgroupPath), id),
      stopSignal: stopSignal(config.image.config),
      // Under hostPID the container's processes live in the host's PID namespace, which it does not own either.
      sharedPid: sandbox.sharePid || config.pod.spec?.hostPID === true,
    };
    await ensureDir(dir, sandbox.userns ? TRAVERSABLE_DIR : 0o700);
    await ensureDir(this.paths.bundle(id), sandbox.userns ? TRAVERSABLE_DIR : 0o700);
    await this.save(record);
    try {
      await this.setUp(record, sandbox, sandboxPid, config);
      record.phase = 'created';
      await this.save(record);
      return record;
    } catch (e) {
      this.logger.warn({ pod: record.podName, container: record.name, err: e }, 'container creation failed');
      await this.remove(id);
      throw e;
    }
  }

  private async setUp(
    record: ContainerRecord,
    sandbox: SandboxRecord,
    sandboxPid: number | undefined,
    config: ContainerConfig,
  ) {
    const dir = this.paths.container(record.id);
    const bundle = this.paths.bundle(record.id);
    const rootfs = join(bundle, 'rootfs');
    await ensureDir(rootfs);
    for (const d of ['upper', 'work']) await ensureDir(join(dir, d));
    const usernsPath = `/proc/${sandboxPid}/ns/user`;
    const layers = config.image.layers.map((l) => l.dir);
    const lowers = sandbox.userns ? await idmappedLayers(dir, layers, usernsPath, sandbox.userns) : layers;
    // overlayfs lists lowerdirs top first; image layers are stored bottom first.
    const lower = [...lowers].reverse().join(':');
    await mount('overlay', rootfs, 'overlay', [
      `lowerdir=${lower}`,
      `upperdir=${join(dir, 'upper')}`,
      `workdir=${join(dir, 'work')}`,
    ]);
    const terminationLog = this.paths.terminationLog(record.id);
    writeFileSync(terminationLog, '', { mode: 0o666 });
    await ensureDir(dirname(record.logPath));
    const podDir = this.paths.pod(sandbox.podUid);
    const spec = buildContainerSpec({
      pod: config.pod,
      container: config.container,
      image: { config: config.image.config },
      rootfs,
      ...(await readImageFile(rootfs, 'etc/passwd', 'etcPasswd')),
      ...(await readImageFile(rootfs, 'etc/group', 'etcGroup')),
      hostname: sandbox.hostname,
      namespaces: sandboxNamespaces(sandbox, sandboxPid, config),
      cgroupNamespace: this.options.cgroupNamespace,
      userns: sandbox.userns ? { path: usernsPath, ids: sandbox.userns } : undefined,
      mounts: [
        bind(join(podDir, 'etc-hosts'), '/etc/hosts'),
        bind(join(podDir, 'resolv.conf'), '/etc/resolv.conf'),
        bind(join(podDir, 'hostname'), '/etc/hostname'),
        {
          destination: '/dev/shm',
          type: 'bind',
          source: config.pod.spec?.hostIPC === true ? '/dev/shm' : join(this.paths.bundle(sandbox.id), 'shm'),
          options: ['rbind', 'rw', 'nosuid', 'nodev', 'noexec'],
        },
        bind(terminationLog, config.container.terminationMessagePath ?? '/dev/termination-log'),
        ...config.mounts,
      ],
      cgroupsPath: record.cgroupPath,
      resources: config.resources,
      hugetlbPageSizes: this.host.hugetlbPageSizes,
      oomScoreAdj: config.oomScoreAdj,
      oomScoreAdjFloor: this.host.oomScoreAdjFloor,
      hostRlimits: this.host.rlimits,
      hostCapabilities: this.host.capabilities,
      appArmor: this.host.appArmor,
      hostDevices:
        config.container.securityContext?.privileged === true ? await readHostDevices() : undefined,
      extraEnv: config.extraEnv,
      localhostSeccomp: await loadLocalhostSeccomp(
        config.pod,
        config.container,
        seccompProfileRoot(this.paths.dataDir),
      ),
    });
    writeJsonReplacing(join(bundle, 'config.json'), spec);
    await startConmon({
      id: record.id,
      name: `${record.podName}_${record.name}`,
      bundle,
      logPath: record.logPath,
      exitDir: this.paths.exitDir,
      socketDir: this.paths.socketDir,
      runcRoot: this.paths.runcRoot,
      stdin: config.container.stdin === true,
      stdinOnce: config.container.stdinOnce === true,
      tty: config.container.tty === true,
      ...(this.options.logSizeMax !== undefined ? { logMaxSize: this.options.logSizeMax } : {}),
    });
  }

  async start(id: string): Promise<void> {
    await this.runc.start(id);
    const record = await this.load(id);
    if (record) await this.save({ ...record, startedAt: new Date().toISOString() });
  }

  /** Stop signal, then SIGKILL after the grace period; resolves once the container has exited. */
  async stop(id: string, graceSeconds: number): Promise<void> {
    const record = await this.load(id);
    if (!record) return;
    const status = await this.status(record);
    if (status.state !== 'running' && status.state !== 'created') return;
    await this.runc.kill(id, record.stopSignal, record.sharedPid);
    if (await this.waitExit(id, Math.max(graceSeconds, 0) * 1000)) return;
    this.logger.info({ pod: record.podName, container: record.name }, 'grace period over; sending SIGKILL');
    await this.runc.kill(id, 'SIGKILL', true);
    await this.waitExit(id, 10_000);
  }

  /**
   * Waits for conmon's exit file, with a deadline: woken by inotify on the exit directory, and every half second
   * asks runc too, for a container whose conmon is gone and will write no file.
   */
  private async waitExit(id: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => undefined;
    const watcher = watch(dirname(this.paths.exitFile(id)), (_event, file) => {
      if (file?.toString() === id) wake();
    });
    watcher.on('error', () => wake());
    try {
      for (;;) {
        if (await this.exited(id)) return true;
        if (Date.now() >= deadline) return false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(EXIT_RECHECK_MS, deadline - Date.now()));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      watcher.close();
    }
  }

  private async exited(id: string): Promise<boolean> {
    try {
      statSync(this.paths.exitFile(id));
      return true;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const state = await this.runc.state(id);
    return !state || state.status === 'stopped';
  }

  async remove(id: string): Promise<void> {
    // `runc delete --force` kills what still runs, every process of a shared PID namespace included.
    await this.runc.delete(id);
    const dir = this.paths.container(id);
    const bundle = this.paths.bundle(id);
    await unmount(join(bundle, 'rootfs'));
    await unmountLayers(dir);
    await removeTree(this.paths.exitFile(id));
    await removeTree(join(this.paths.socketDir, id));
    await removeTree(bundle);
    await removeTree(dir);
    await this.records.delete(id);
    this.exits.delete(id);
  }

  async list(podUid?: string): Promise<ContainerStatus[]> {
    const records = (await this.records.all()).filter((r) => podUid === undefined || r.podUid === podUid);
    return Promise.all(
      records.map((r) => observeContainer(this.paths, this.runc, this.cgroups, r, this.exits, true)),
    );
  }

  /** Every record, without observing state (no runc call). */
  all(): Promise<ContainerRecord[]> {
    return this.records.all();
  }

  load(id: string): Promise<ContainerRecord | undefined> {
    return this.records.get(id);
  }

  status(record: ContainerRecord): Promise<ContainerStatus> {
    return observeContainer(this.paths, this.runc, this.cgroups, record, this.exits, true);
  }

  private async save(record: ContainerRecord): Promise<void> {
    await writeJsonAtomic(join(this.paths.container(record.id), 'container.json'), record);
    await this.records.set(record);
  }
}

function bind(source: string, destination: string): Mount {
  return { destination, type: 'bind', source, options: ['rbind', 'rprivate', 'rw'] };
}

async function readImageFile<K extends string>(
  rootfs: string,
  path: string,
  key: K,
): Promise<Partial<Record<K, string>>> {
  try {
    return { [key]: readFileSync(join(rootfs, path), 'utf8') } as Partial<Record<K, string>>;
  } catch (e) {
    if (isNotFound(e)) return {};
    throw e;
  }
}

/**
 * The namespaces a container joins: the pod's pinned ones, or the sandbox's, which are the host's for hostNetwork,
 * hostIPC and hostPID (containerd WithPodNamespaces joins /proc/<sandbox>/ns/* whatever their mode). An ephemeral
 * container may name its target's PID namespace.
 */
function sandboxNamespaces(
  sandbox: SandboxRecord,
  sandboxPid: number | undefined,
  config: ContainerConfig,
): ContainerNamespaces {
  const pid = config.pidNamespace ? { pid: config.pidNamespace } : {};
  const pins = sandbox.pinnedNamespaces;
  if (pins) return { network: sandbox.netnsPath, ipc: pins.ipc, uts: pins.uts, ...pid };
  if (sandboxPid === undefined) throw new Error(`sandbox ${sandbox.id} is not running`);
  const ns = (kind: string): string => `/proc/${sandboxPid}/ns/${kind}`;
  const sharedPid = sandbox.sharePid || config.pod.spec?.hostPID === true;
  return {
    network: ns('net'),
    ipc: ns('ipc'),
    uts: ns('uts'),
    ...(config.pidNamespace ? pid : sharedPid ? { pid: ns('pid') } : {}),
  };
}
