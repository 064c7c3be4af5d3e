import { join } from 'node:path';

/** Where the runtime keeps its truth under the data dir; one place, so clean-up and inspection agree. */
export class RuntimePaths {
  constructor(readonly dataDir: string) {}

  get runcRoot(): string {
    return join(this.dataDir, 'runc');
  }
  get exitDir(): string {
    return join(this.dataDir, 'exits');
  }
  /** Short on purpose: conmon's attach sockets live below it and unix socket paths are limited to 108 bytes. */
  get socketDir(): string {
    return join(this.dataDir, 's');
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
  sandbox(id: string): string {
    return join(this.sandboxesDir, id);
  }
  container(id: string): string {
    return join(this.containersDir, id);
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
