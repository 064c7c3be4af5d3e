import { watch, type FSWatcher } from 'node:fs';
import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PodNetwork } from '../network/cni.js';
import { ensureDir } from '../util/fs.js';
import { unmount } from '../util/mount.js';
import type { Logger } from '../util/log.js';
import { CgroupManager, DEFAULT_CGROUP_ROOT } from './cgroups/manager.js';
import { detectCgroupMode } from './cgroups/detect.js';
import { ContainerManager, type ContainerConfig } from './container.js';
import { readHostFacts, type HostFacts } from './host-facts.js';
import { RuntimePaths } from './paths.js';
import { mountRunDir } from './run-dir.js';
import { Runc } from './runc.js';
import { SandboxManager, type SandboxConfig } from './sandbox.js';
import type { ContainerRecord, ContainerStatus, SandboxStatus, StartingSandbox } from './types.js';
import { TRAVERSABLE_DIR } from './userns.js';

export interface RuntimeOptions {
  dataDir: string;
  bridge: string;
  podCidr: string;
  /** Routed to the pod network's gateway in every pod. */
  serviceCidr?: string | undefined;
  cgroupParent: string;
  cgroupRoot?: string;
  /**
   * conmon's own cap on a container's log file, which it truncates past it: the backstop for a container that
   * writes faster than the kubelet's periodic rotation keeps up with. None when undefined.
   */
  containerLogSizeMax?: number | undefined;
  logger: Logger;
}

/** Everything the runtime knows about one pod, observed from runc, conmon and the kernel. */
export interface PodRuntimeState {
  podUid: string;
  sandboxes: SandboxStatus[];
  containers: ContainerStatus[];
}

/**
 * podlet's container runtime, CRI-shaped: sandboxes and containers whose truth lives in files, runc state and
 * processes, so that the daemon can die and come back without touching a running container.
 */
export class ContainerRuntime {
  private watcher: FSWatcher | undefined;

  private constructor(
    readonly paths: RuntimePaths,
    readonly cgroups: CgroupManager,
    readonly network: PodNetwork,
    readonly sandboxes: SandboxManager,
    readonly containers: ContainerManager,
    /** What the host lets containers have, read once at start. */
    readonly host: HostFacts,
    private readonly logger: Logger,
  ) {}

  static async open(o: RuntimeOptions): Promise<ContainerRuntime> {
    const paths = new RuntimePaths(o.dataDir);
    await mountRunDir(paths.runDir);
    for (const d of [paths.runcRoot, paths.exitDir, paths.socketDir, paths.logsDir])
      await ensureDir(d, 0o700);
    for (const d of [o.dataDir, paths.sandboxesDir, paths.containersDir, paths.bundlesDir, paths.podsDir]) {
      await ensureDir(d, TRAVERSABLE_DIR);
      await chmod(d, TRAVERSABLE_DIR);
    }
    const mode = await detectCgroupMode(o.cgroupRoot);
    const host = await readHostFacts({ mode, root: o.cgroupRoot ?? DEFAULT_CGROUP_ROOT });
    const cgroups = new CgroupManager({
      mode,
      parent: o.cgroupParent,
      ...(o.cgroupRoot ? { root: o.cgroupRoot } : {}),
      hugetlbPageSizes: host.hugetlbPageSizes,
    });
    const network = new PodNetwork({
      bridge: o.bridge,
      podCidr: o.podCidr,
      serviceCidr: o.serviceCidr,
      dataDir: `${o.dataDir}/network`,
      logger: o.logger,
    });
    const runc = new Runc(paths.runcRoot);
    const sandboxes = new SandboxManager(paths, runc, network, host, o.logger);
    const containers = new ContainerManager(paths, runc, cgroups, host, o.logger, {
      cgroupNamespace: mode === 'v2',
      logSizeMax: o.containerLogSizeMax,
    });
    return new ContainerRuntime(paths, cgroups, network, sandboxes, containers, host, o.logger);
  }

  /** Calls `onExit(containerId)` as soon as conmon writes an exit file (inotify; the relist is the safety net). */
  watchExits(onExit: (id: string) => void): void {
    this.watcher = watch(this.paths.exitDir, (_event, file) => {
      if (file) onExit(file.toString());
    });
    this.watcher.on('error', (err) => this.logger.error({ err }, 'exit watcher failed'));
  }

  close(): void {
    this.watcher?.close();
  }

  /** For a daemon that stops with no pod left: the run dir's tmpfs goes too, and podlet leaves no mount behind. */
  async unmountRunDir(): Promise<void> {
    await unmount(this.paths.runDir);
  }

  /** Removes what a crash left half-made: records still in `creating` and containers whose sandbox is gone. */
  async cleanUpIncomplete(): Promise<void> {
    const sandboxes = await this.sandboxes.list();
    // Containers may be created while their sandbox's pause starts: they go with a sandbox that never got ready.
    const sandboxIds = new Set(
      sandboxes.filter((s) => s.record.phase !== 'creating').map((s) => s.record.id),
    );
    for (const s of sandboxes.filter((s) => s.record.phase === 'creating')) {
      this.logger.info({ pod: s.record.podName, sandbox: s.record.id }, 'removing half-created sandbox');
      await this.sandboxes.remove(s.record.id);
    }
    for (const c of await this.containers.list()) {
      if (c.record.phase === 'creating' || !sandboxIds.has(c.record.sandboxId)) {
        this.logger.info(
          { pod: c.record.podName, container: c.record.name },
          'removing half-created or orphaned container',
        );
        await this.containers.remove(c.record.id);
      }
    }
  }

  async listPods(): Promise<PodRuntimeState[]> {
    const [sandboxes, containers] = await Promise.all([this.sandboxes.list(), this.containers.list()]);
    const pods = new Map<string, PodRuntimeState>();
    const get = (uid: string): PodRuntimeState => {
      let p = pods.get(uid);
      if (!p) pods.set(uid, (p = { podUid: uid, sandboxes: [], containers: [] }));
      return p;
    };
    for (const s of sandboxes) get(s.record.podUid).sandboxes.push(s);
    for (const c of containers) get(c.record.podUid).containers.push(c);
    return [...pods.values()];
  }

  /**
   * UIDs of every pod the runtime holds anything of (no runc call): records, and what a crash may leave before the
   * first record is written (the pod's directory, its cgroup) or after the last one is gone (its log directory).
   */
  async podUids(): Promise<Set<string>> {
    const [sandboxes, containers, podDirs, cgroups, logDirs] = await Promise.all([
      this.sandboxes.all(),
      this.containers.all(),
      readdir(this.paths.podsDir).catch(() => [] as string[]),
      this.cgroups.listPodCgroups(),
      readdir(this.paths.logsDir).catch(() => [] as string[]),
    ]);
    return new Set([
      ...[...sandboxes, ...containers].map((r) => r.podUid),
      ...podDirs,
      ...cgroups.map((c) => c.podUid),
      ...logDirs.map((d) => d.split('_').pop() ?? ''),
    ]);
  }

  /** The pod's log directories (<namespace>_<name>_<uid>), found by UID when no record names the pod any more. */
  async podLogDirs(podUid: string): Promise<string[]> {
    const names = await readdir(this.paths.logsDir).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith(`_${podUid}`)).map((n) => join(this.paths.logsDir, n));
  }

  async podState(podUid: string): Promise<PodRuntimeState> {
    const [sandboxes, containers] = await Promise.all([
      this.sandboxes.list(podUid),
      this.containers.list(podUid),
    ]);
    return { podUid, sandboxes, containers };
  }

  runSandbox(config: SandboxConfig): Promise<StartingSandbox> {
    return this.sandboxes.run(config);
  }

  async createContainer(sandbox: StartingSandbox, config: ContainerConfig): Promise<ContainerRecord> {
    return this.containers.create(sandbox, config);
  }
}
