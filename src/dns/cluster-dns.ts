// Cluster DNS as one piece: the index of cluster objects, the resolver over it, the forwarder and the sockets.
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import { ipFamily } from './addresses.js';
import { ensureBridgeAddress } from './bridge-address.js';
import { ClusterIndex } from './cluster-index.js';
import { DNS_PORT, UpstreamForwarder, upstreamsFromResolvConf, type Upstream } from './forwarder.js';
import { normalizeName } from './query-name.js';
import { QueryHandler } from './query-handler.js';
import { DnsListenError, DnsServer } from './server.js';

export interface ClusterDnsOptions {
  store: ObjectStore;
  /** The cluster domain (`--cluster-domain`). */
  zone: string;
  /** Where pods reach the server: the bridge's gateway address. */
  address: string;
  /** 53 unless a test asks for another (0: any free port). */
  port?: number;
  /** The host's resolvers, for names outside the cluster. */
  upstreams: readonly Upstream[];
  forwardTimeoutMs?: number;
  logger: Logger;
}

export interface ClusterDnsSetup {
  /** `bridge`: the pod bridge's gateway address; `none`: no cluster DNS; else an address of this host. */
  listen: string;
  bridge: string;
  podCidr: string;
  zone: string;
  store: ObjectStore;
  /** The node's resolv.conf, whose nameservers answer the names outside the cluster. */
  hostResolvConf: string;
  logger: Logger;
}

/** A `--cluster-dns` value that is neither `bridge`, `none` nor an IP address. */
export class ClusterDnsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterDnsConfigError';
  }
}

/** CoreDNS's forward plugin gives an upstream 2 s before it tries the next one (forward/proxy.go defaultTimeout). */
const DEFAULT_FORWARD_TIMEOUT_MS = 2_000;

export class ClusterDns {
  private constructor(
    private readonly index: ClusterIndex,
    private readonly server: DnsServer,
    readonly address: string,
  ) {}

  static async start(o: ClusterDnsOptions): Promise<ClusterDns> {
    const index = new ClusterIndex(o.store);
    index.start();
    const zone = normalizeName(o.zone);
    const handler = new QueryHandler({
      context: () => ({ zone, view: index.view(), nameserverIps: [o.address], serial: index.serial() }),
      forwarder: new UpstreamForwarder({
        upstreams: o.upstreams,
        timeoutMs: o.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS,
      }),
      logger: o.logger,
    });
    try {
      const server = await DnsServer.start({
        address: o.address,
        port: o.port ?? DNS_PORT,
        handler,
        logger: o.logger,
      });
      o.logger.info(
        { address: o.address, port: server.port, zone, upstreams: o.upstreams },
        'cluster DNS serving',
      );
      return new ClusterDns(index, server, o.address);
    } catch (e) {
      index.stop();
      throw e;
    }
  }

  get port(): number {
    return this.server.port;
  }

  async close(): Promise<void> {
    this.index.stop();
    await this.server.close();
  }
}

/** Starts cluster DNS as `--cluster-dns` says; undefined for `none` (ClusterFirst pods then fall back to Default). */
export async function startClusterDns(setup: ClusterDnsSetup): Promise<ClusterDns | undefined> {
  if (setup.listen === 'none') return undefined;
  if (setup.listen !== 'bridge' && ipFamily(setup.listen) === 0) {
    throw new ClusterDnsConfigError(
      `--cluster-dns ${JSON.stringify(setup.listen)}: expected "bridge", "none" or an IP address of this host`,
    );
  }
  const address =
    setup.listen === 'bridge' ? await ensureBridgeAddress(setup.bridge, setup.podCidr) : setup.listen;
  try {
    return await ClusterDns.start({
      store: setup.store,
      zone: setup.zone,
      address,
      upstreams: upstreamsFromResolvConf(setup.hostResolvConf, [address]),
      logger: setup.logger,
    });
  } catch (e) {
    if (!(e instanceof DnsListenError)) throw e;
    throw new DnsListenError(
      `${e.message} (another DNS server there? --cluster-dns picks another address or none)`,
      {
        cause: e.cause,
      },
    );
  }
}
