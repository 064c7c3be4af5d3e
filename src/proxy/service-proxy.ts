// The node's Service data plane, in-process: watches Services and EndpointSlices in the store and keeps the
// instance's nftables table equal to what they describe, as kube-proxy's sync loop does.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { formatCidr, parseIpv4Cidr } from '../network/ipv4-cidr.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import { bridgeNetfilterEnabled, RouteLocalnet } from './kernel-settings.js';
import { applyNftScript, deleteNftTable } from './nft.js';
import { needsRouteLocalnet, proxyTableName, renderRuleset } from './nft-ruleset.js';
import { proxiedServicePorts } from './service-ports.js';

export interface ServiceProxyOptions {
  store: ObjectStore;
  bridge: string;
  podCidr: string;
  serviceCidr: string;
  logger: Logger;
  /** A burst of changes (a rollout, a namespace deletion) within this window makes one update. */
  debounceMs?: number;
  /** Wait before trying again after nft failed. */
  retryMs?: number;
}

// The store's keys: the core group's resource name, other groups' `resource.group`.
const SERVICES = 'services';
const ENDPOINT_SLICES = 'endpointslices.discovery.k8s.io';
const DEFAULT_DEBOUNCE_MS = 100;
const DEFAULT_RETRY_MS = 2_000;

export class ServiceProxyConfigError extends Error {
  override name = 'ServiceProxyConfigError';
}

export class ServiceProxy {
  readonly table: string;
  private readonly serviceCidr: string;
  private readonly abort = new AbortController();
  private readonly localnet: RouteLocalnet;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  /** Syncs run one after another; this is the last one started. */
  private syncing: Promise<void> = Promise.resolve();
  /** The text nft accepted last: an identical ruleset is not applied again. */
  private applied: string | undefined;
  private closedApiPort: number | undefined;

  constructor(private readonly o: ServiceProxyOptions) {
    this.serviceCidr = canonicalCidr(o.serviceCidr);
    this.table = proxyTableName(o.bridge);
    this.localnet = new RouteLocalnet(o.bridge);
    this.logger = o.logger.child({ component: 'service-proxy', table: this.table });
  }

  /** Applies the current state (replacing a table a crashed run left), then follows every change. */
  async start(): Promise<void> {
    await this.sync();
    const onChange = (): void => this.schedule(this.o.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    const from = String(this.o.store.resourceVersion());
    for (const resource of [SERVICES, ENDPOINT_SLICES]) {
      this.o.store.watch({ resource, resourceVersion: from, signal: this.abort.signal }, onChange);
    }
  }

  /** Stops following the store, removes the table and puts back the kernel setting changed. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.syncing;
    try {
      await deleteNftTable(this.table);
      this.applied = undefined;
    } finally {
      await this.localnet.restore();
    }
    this.logger.info('service rules removed');
  }

  /** Refuses pods' connections to the API server's port from now on; resolves once the rule is in the kernel. */
  closeApiPort(port: number): Promise<void> {
    this.closedApiPort = port;
    return this.sync();
  }

  /** Brings the table up to date now; resolves once the rules are in the kernel (or the attempt failed). */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncOnce());
    return this.syncing;
  }

  private schedule(delayMs: number): void {
    if (this.abort.signal.aborted || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.abort.signal.aborted) void this.sync();
    }, delayMs);
  }

  private async syncOnce(): Promise<void> {
    try {
      const services = this.o.store.list(SERVICES, undefined).items as Service[];
      const slices = this.o.store.list(ENDPOINT_SLICES, undefined).items as unknown as EndpointSlice[];
      const ports = proxiedServicePorts(services, slices);
      const script = renderRuleset(ports, {
        table: this.table,
        serviceCidr: this.serviceCidr,
        bridge: this.o.bridge,
        podCidr: this.o.podCidr,
        bridgeNetfilter: await bridgeNetfilterEnabled(this.o.bridge),
        closedApiPort: this.closedApiPort,
      });
      // The bridge appears with the first pod: until then no pod sends or takes Service traffic anyway.
      if (needsRouteLocalnet(ports) && !(await this.localnet.enable())) {
        this.schedule(this.o.retryMs ?? DEFAULT_RETRY_MS);
      }
      if (script === this.applied) return;
      await applyNftScript(this.table, script);
      this.applied = script;
      const endpoints = ports.reduce((n, p) => n + p.endpoints.length, 0);
      this.logger.info({ servicePorts: ports.length, endpoints }, 'service rules applied');
    } catch (err) {
      this.logger.error({ err }, 'service rules not applied; trying again');
      this.schedule(this.o.retryMs ?? DEFAULT_RETRY_MS);
    }
  }
}

/** The range as nft takes it (no host bits), or a ServiceProxyConfigError naming the value. */
function canonicalCidr(text: string): string {
  const cidr = parseIpv4Cidr(text);
  if (cidr === undefined || !text.includes('/')) {
    throw new ServiceProxyConfigError(
      `service CIDR ${JSON.stringify(text)} is not an IPv4 CIDR like 10.86.0.0/24`,
    );
  }
  return formatCidr(cidr);
}
