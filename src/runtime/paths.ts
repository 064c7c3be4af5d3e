import { join } from 'node:path';

/**
 * Where the runtime keeps its truth under the data dir; one place, so clean-up and inspection agree. What must
 * outlive a reboot (records, writable layers, logs, volumes) is on the data dir's disk; what only a running process
 * needs (runc's state, bundles, conmon's files, pinned namespaces) is under runDir, a tmpfs (decision 0053).
 */
export class RuntimePaths {
  constructor(readonly dataDir: string) {}

  /** Volatile runtime state, as containerd and CRI-O keep theirs under /run. */
  get runDir(): string {
    return join(this.dataDir, 'run');
  }
  get runcRoot(): string {
    return join(this.runDir, 'runc');
  }
  get exitDir(): string {
    return join(this.runDir, 'exits');
  }
  /** Short on purpose: conmon's attach sockets live below it and unix socket paths are limited to 108 bytes. */
  get socketDir(): string {
    return join(this.runDir, 's');
  }
  get bundlesDir(): string {
    return join(this.runDir, 'bundles');
  }
  get pauseRootfs(): string {
    return join(this.dataDir, 'pause', 'rootfs');
  }
  get sandboxesDir(): string {
    return join(this.dataDir, 'sandboxes');
  }
  get containersDir(): string {
    return join(this.dataDir, 'containers');
  }
  get podsDir(): string {
    return join(this.dataDir, 'pods');
  }
  get logsDir(): string {
    return join(this.dataDir, 'logs');
  }
  /** The sandbox's record. */
  sandbox(id: string): string {
    return join(this.sandboxesDir, id);
  }
  /** The container's record, exit, termination log and writable layer. */
  container(id: string): string {
    return join(this.containersDir, id);
  }
  /**
   * The OCI bundle of a sandbox or container (ids are random and never shared): config.json, the rootfs mount point,
   * conmon's pidfiles, control fifos and attach socket, a sandbox's /dev/shm and pinned namespaces.
   */
  bundle(id: string): string {
    return join(this.bundlesDir, id);
  }
  /** Per-pod files shared by its containers: etc-hosts, resolv.conf, hostname, shm, volumes (kubelet: pods/<uid>). */
  pod(uid: string): string {
    return join(this.podsDir, uid);
  }
  podLogDir(namespace: string, name: string, uid: string): string {
    return join(this.logsDir, `${namespace}_${name}_${uid}`);
  }
  containerLog(namespace: string, podName: string, uid: string, container: string, attempt: number): string {
    return join(this.podLogDir(namespace, podName, uid), container, `${attempt}.log`);
  }
  /** The file bind-mounted at the container's terminationMessagePath. */
  terminationLog(id: string): string {
    return join(this.container(id), 'termination-log');
  }
  exitFile(id: string): string {
    return join(this.exitDir, id);
  }
}
