import { join } from 'node:path';
import { run, runUnchecked } from '../util/exec.js';
import { ensureDir, exists, writeJsonAtomic } from '../util/fs.js';
import { silentLogger, type Logger } from '../util/log.js';
import { invokeCniPlugin } from './cni-plugin.js';
import {
  buildPodConflist,
  LOOPBACK_CONFLIST,
  LOOPBACK_PLUGIN,
  pluginStdin,
  type CniNetConfList,
  type CniPluginConf,
  type CniRuntimeArgs,
} from './conflist.js';
import { NetworkTeardownError } from './errors.js';
import { checkPodCidrFree } from './host-routes.js';
import { readIpamAllocations } from './host-local-store.js';

export { checkPodCidrFree };

export interface NetworkOptions {
  bridge: string;
  podCidr: string;
  /** Routed to the gateway in every pod (ClusterIPs). */
  serviceCidr?: string | undefined;
  /** podlet's network state: `<data-dir>/network`. */
  dataDir: string;
  cniBinDir?: string;
  logger?: Logger;
}

/** A hostPort, in the shape the portmap plugin reads from runtimeConfig.portMappings. */
export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIP?: string;
}

export interface PodNetworkRequest {
  /** The sandbox id, passed to plugins as CNI_CONTAINERID. */
  id: string;
  netnsPath: string;
  podName: string;
  podNamespace: string;
  podUid: string;
  portMappings: PortMapping[];
}

export interface PodNetworkStatus {
  ips: string[];
  gateway?: string;
  interfaceName: string;
  /** The final CNI result: keep it and pass it back to `remove` as prevResult. */
  result: unknown;
}

/** The fields podlet reads of a CNI 1.0.0 result. */
interface CniResult {
  interfaces?: { name?: string; sandbox?: string }[];
  ips?: { address?: string; gateway?: string; interface?: number }[];
}

export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';
const POD_IFNAME = 'eth0';
const PLUGIN_TIMEOUT_MS = 60_000;
const IP_TIMEOUT_MS = 10_000;

/** Attaches pods to podlet's bridge network by running the CNI plugins the way containerd's CRI plugin does. */
export class PodNetwork {
  readonly conflist: CniNetConfList;
  private readonly binDir: string;
  private readonly ipamDir: string;
  private readonly logger: Logger;
  private conflistWritten: Promise<void> | undefined;
  private cidrChecked: Promise<void> | undefined;

  constructor(private readonly opts: NetworkOptions) {
    this.ipamDir = join(opts.dataDir, 'ipam');
    // Validates the bridge name and the CIDR, so a bad flag fails at start-up rather than at the first pod.
    this.conflist = buildPodConflist({
      bridge: opts.bridge,
      podCidr: opts.podCidr,
      serviceCidr: opts.serviceCidr,
      ipamDataDir: this.ipamDir,
    });
    this.binDir = opts.cniBinDir ?? DEFAULT_CNI_BIN_DIR;
    this.logger = opts.logger ?? silentLogger;
  }

  /** Brings up `lo`, then runs the conflist on eth0; a failure part-way runs DEL so no IP or veth is left. */
  async add(req: PodNetworkRequest): Promise<PodNetworkStatus> {
    await this.writeConflist();
    // Once per process: the bridge this instance creates then holds the routes, and a second instance is kept
    // off the same CIDR by this same check at its own first pod.
    this.cidrChecked ??= checkPodCidrFree(this.opts.podCidr, this.opts.bridge).catch((e: unknown) => {
      this.cidrChecked = undefined;
      throw e;
    });
    await this.cidrChecked;
    const rt = this.runtimeArgs(req);
    let last: unknown;
    try {
      // `lo` and the eth0 chain are independent: brought up side by side.
      await Promise.all([
        this.loopback('ADD', req, req.netnsPath),
        (async () => {
          for (const plugin of this.plugins(req)) {
            const stdin = pluginStdin(this.conflist, plugin, last, rt);
            last = await this.invoke('ADD', plugin.type, req, req.netnsPath, POD_IFNAME, stdin);
          }
        })(),
      ]);
    } catch (e) {
      await this.remove(req, last).catch((cleanup: unknown) => {
        this.logger.error({ sandbox: req.id, err: cleanup }, 'CNI clean-up after a failed ADD failed');
      });
      throw e;
    }
    return podNetworkStatus(last);
  }

  /**
   * Runs DEL for every plugin, in reverse, each with the ADD result as prevResult (libcni delNetworkList), then
   * loopback. Every plugin is tried even when one fails, so host-local always gets the chance to free the IP.
   * With the namespace gone, CNI_NETNS is empty: plugins then release what they hold on the host side only.
   */
  async remove(req: PodNetworkRequest, prevResult?: unknown): Promise<void> {
    const netns = req.netnsPath && (await exists(req.netnsPath)) ? req.netnsPath : '';
    const rt = this.runtimeArgs(req);
    const errors: Error[] = [];
    for (const plugin of [...this.plugins(req)].reverse()) {
      const stdin = pluginStdin(this.conflist, plugin, prevResult, rt);
      await this.invoke('DEL', plugin.type, req, netns, POD_IFNAME, stdin).catch((e: Error) =>
        errors.push(e),
      );
    }
    await this.loopback('DEL', req, netns).catch((e: Error) => errors.push(e));
    if (errors.length > 0) throw new NetworkTeardownError(req.id, errors);
  }

  /** Sandbox ids that hold an address in host-local's store: after a crash, those without a sandbox need DEL. */
  async allocatedIds(): Promise<string[]> {
    const allocations = await readIpamAllocations(this.ipamDir, this.conflist.name);
    return [...new Set(allocations.map((a) => a.containerId).filter((id) => id !== ''))].sort();
  }

  /** Deletes the bridge when no interface is attached to it; absent is fine. */
  async removeBridge(): Promise<void> {
    const bridge = this.opts.bridge;
    const ports = await runUnchecked('ip', ['-j', 'link', 'show', 'master', bridge], {
      timeoutMs: IP_TIMEOUT_MS,
    });
    if (ports.exitCode !== 0) return; // no such device
    const attached = ports.stdout.trim() ? (JSON.parse(ports.stdout) as unknown[]) : [];
    if (attached.length > 0) {
      this.logger.info(
        { bridge, attached: attached.length },
        'bridge still has interfaces attached; keeping it',
      );
      return;
    }
    await run('ip', ['link', 'delete', bridge, 'type', 'bridge'], { timeoutMs: IP_TIMEOUT_MS });
  }

  /** loopback is its own one-plugin network on `lo`, set up before and torn down after the pod network. */
  private loopback(command: 'ADD' | 'DEL', req: PodNetworkRequest, netnsPath: string): Promise<unknown> {
    const stdin = pluginStdin(LOOPBACK_CONFLIST, LOOPBACK_PLUGIN, undefined, {});
    return this.invoke(command, LOOPBACK_PLUGIN.type, req, netnsPath, 'lo', stdin);
  }

  private invoke(
    command: 'ADD' | 'DEL',
    type: string,
    req: PodNetworkRequest,
    netnsPath: string,
    ifName: string,
    stdin: Record<string, unknown>,
  ): Promise<unknown> {
    this.logger.debug({ sandbox: req.id, plugin: type, command, ifName }, 'CNI call');
    return invokeCniPlugin({
      binDir: this.binDir,
      type,
      command,
      containerId: req.id,
      netnsPath,
      ifName,
      // IgnoreUnknown=1 as containerd and the kubelet send it: host-local rejects the K8S_* keys otherwise.
      args: [
        ['IgnoreUnknown', '1'],
        ['K8S_POD_NAMESPACE', req.podNamespace],
        ['K8S_POD_NAME', req.podName],
        ['K8S_POD_INFRA_CONTAINER_ID', req.id],
        ['K8S_POD_UID', req.podUid],
      ],
      stdin,
      timeoutMs: PLUGIN_TIMEOUT_MS,
    });
  }

  /** The conflist's plugins; portmap only for a pod with host ports, since without any it has nothing to do. */
  private plugins(req: PodNetworkRequest): CniPluginConf[] {
    return this.conflist.plugins.filter((p) => p.type !== 'portmap' || req.portMappings.length > 0);
  }

  private runtimeArgs(req: PodNetworkRequest): CniRuntimeArgs {
    return { portMappings: req.portMappings };
  }

  /** For humans and CNI tools (`cnitool`): the list podlet runs, in a net.d directory as CNI expects it. */
  private writeConflist(): Promise<void> {
    this.conflistWritten ??= (async () => {
      const dir = join(this.opts.dataDir, 'net.d');
      await ensureDir(dir);
      await writeJsonAtomic(join(dir, 'podlet.conflist'), this.conflist);
    })().catch((e: unknown) => {
      this.conflistWritten = undefined;
      throw e;
    });
    return this.conflistWritten;
  }
}

/** The pod's addresses are those on an interface inside its namespace (containerd: selectPodIPs). */
export function podNetworkStatus(result: unknown): PodNetworkStatus {
  const r = (result ?? {}) as CniResult;
  const interfaces = r.interfaces ?? [];
  const inSandbox = (r.ips ?? []).filter((ip) => {
    const iface = ip.interface === undefined ? undefined : interfaces[ip.interface];
    return iface === undefined || Boolean(iface.sandbox);
  });
  const ips = inSandbox.flatMap((ip) => (ip.address ? [ip.address.split('/')[0] ?? ip.address] : []));
  const gateway = inSandbox.find((ip) => ip.gateway)?.gateway;
  return { ips, ...(gateway ? { gateway } : {}), interfaceName: POD_IFNAME, result };
}
