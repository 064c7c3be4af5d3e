import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPodCidrFree } from '../src/network/cni.js';
import { run, runUnchecked } from '../src/util/exec.js';

/**
 * Debian's podman, fenced off from the host's own podman state and network: its own containers.conf (runc,
 * cgroupfs, no default ulimits, since this host cannot raise rlimits), its own storage, and its own CNI bridge with
 * no masquerading and no default route, so nothing leaves the machine.
 */
export class PodmanPeer {
  private constructor(
    private readonly dir: string,
    private readonly bridge: string,
  ) {}

  static async create(imageArchive: string): Promise<PodmanPeer> {
    const dir = await mkdtemp(join(tmpdir(), 'podlet-bench-podman-'));
    const tag = randomBytes(2).toString('hex');
    const bridge = `pbench${tag}`;
    const subnet = `10.249.${parseInt(tag, 16) % 250}.0/24`;
    await checkPodCidrFree(subnet, bridge);
    for (const d of ['cni', 'root', 'run', 'tmp']) await mkdir(join(dir, d));
    await writeFile(join(dir, 'containers.conf'), containersConf(dir));
    await writeFile(
      join(dir, 'storage.conf'),
      `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`,
    );
    await writeFile(join(dir, 'cni', 'podletbench.conflist'), JSON.stringify(conflist(bridge, subnet, dir)));
    const peer = new PodmanPeer(dir, bridge);
    await peer.podman(['load', '-q', '-i', imageArchive]);
    return peer;
  }

  /** A path in the command line of each of this peer's conmons, and of no other process's. */
  get marker(): string {
    return this.dir;
  }

  play(manifest: string): Promise<void> {
    return this.podman(['kube', 'play', '--network', 'podletbench', manifest]).then(() => undefined);
  }

  down(manifest: string): Promise<void> {
    return this.podman(['kube', 'down', manifest]).then(() => undefined);
  }

  /** `podman exec`: the peer of `kubectl exec` (kube play names containers `<pod>-<container>`). */
  async exec(container: string, command: string[]): Promise<void> {
    await this.podman(['exec', container, ...command]);
  }

  /**
   * Empty pods without an infra container, the cheapest pods podman can list, made `concurrency` at a time:
   * one by one, 1000 of them take four minutes of the bench's fifteen.
   */
  async createPods(names: readonly string[], concurrency: number): Promise<void> {
    const queue = [...names];
    const worker = async (): Promise<void> => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift())
        await this.podman(['pod', 'create', '--infra=false', '--name', name]);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Every pod of this peer removed at once, without a grace period: a clean-up, not a figure. */
  async removePods(): Promise<void> {
    await this.podman(['pod', 'rm', '-af', '-t', '0'], REMOVE_TIMEOUT_MS);
  }

  /** `podman pod ps --format json`: podman's list of pods, the peer of a pod list. */
  listPods(): Promise<string> {
    return this.podman(['pod', 'ps', '--format', 'json']);
  }

  /** Removes every pod, image and mount of this peer, its bridge and its files. */
  async destroy(): Promise<void> {
    await this.podman(['pod', 'rm', '-af', '-t', '0'], REMOVE_TIMEOUT_MS).catch(() => undefined);
    await this.podman(['system', 'reset', '-f']).catch(() => undefined);
    const mounts = (await readFile('/proc/self/mounts', 'utf8'))
      .split('\n')
      .filter((l) => l.includes(this.dir));
    for (const m of mounts.reverse()) await runUnchecked('umount', ['-l', m.split(' ')[1] ?? '']);
    await runUnchecked('ip', ['link', 'delete', this.bridge]);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async podman(args: string[], timeoutMs = 120_000): Promise<string> {
    const env = {
      ...process.env,
      CONTAINERS_CONF: join(this.dir, 'containers.conf'),
      CONTAINERS_STORAGE_CONF: join(this.dir, 'storage.conf'),
    };
    return (await run('podman', args, { env, timeoutMs })).stdout;
  }
}

/** podman removes pods one after the other, about 1.6 s each (stop, CNI DEL, unmount): 50 took 80-120 s here. */
const REMOVE_TIMEOUT_MS = 600_000;

function containersConf(dir: string): string {
  return `[containers]
default_ulimits = []
log_driver = "k8s-file"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${dir}/events.log"
tmp_dir = "${dir}/tmp"
[network]
network_backend = "cni"
network_config_dir = "${dir}/cni"
cni_plugin_dirs = ["/usr/lib/cni"]
default_network = "podletbench"
`;
}

function conflist(bridge: string, subnet: string, dir: string): unknown {
  return {
    cniVersion: '0.4.0',
    name: 'podletbench',
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet }]], dataDir: join(dir, 'ipam') },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}
