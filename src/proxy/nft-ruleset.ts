// The nftables ruleset of one podlet instance's Service data plane, as text for `nft -f`. Its shape follows
// kube-proxy's nftables mode (pkg/proxy/nftables/proxier.go): verdict maps keyed by address . protocol . port,
// one chain per service port and per endpoint, `numgen random` to spread connections, per-endpoint affinity sets.
import { createHash } from 'node:crypto';
import type { ProxiedServicePort, ProxyEndpoint } from './service-ports.js';

export interface RulesetOptions {
  /** The instance's own table (`proxyTableName`); nothing outside it is touched. */
  table: string;
  serviceCidr: string;
  /** The instance's pod bridge: pod traffic to Services comes in on it, and leaves on it for the endpoints. */
  bridge: string;
  podCidr: string;
  /**
   * Bridged IPv4 frames pass netfilter (br_netfilter with bridge-nf-call-iptables=1): a backend's reply to a pod
   * on the same bridge is then un-NATed, so pod clients keep their address as in Kubernetes. Without it the reply
   * would bypass conntrack, so all pod traffic to Services is masqueraded to the bridge address.
   */
  bridgeNetfilter: boolean;
  /**
   * The API server's port when pods may not reach it (no `--pod-api-access`): refused to connections from the
   * bridge whatever address they name (the bridge's, another of the host's, 127.0.0.1 behind the `kubernetes`
   * Service), since every one of them is delivered to this host through the input hook.
   */
  closedApiPort?: number | undefined;
}

/** NodePorts answer on this address only: nothing of podlet is reachable from off the machine. */
export const NODE_PORT_ADDRESS = '127.0.0.1';

/** The table of the instance that owns `bridge`: bridges are unique per instance, so tables are too. */
export function proxyTableName(bridge: string): string {
  return `podlet-${bridge}`;
}

/**
 * Whether the bridge needs route_localnet: a NodePort on 127.0.0.1 sends loopback-sourced packets to a pod, and an
 * endpoint on a loopback address (the `kubernetes` Service of an API listening on 127.0.0.1) takes pods' packets.
 */
export function needsRouteLocalnet(ports: readonly ProxiedServicePort[]): boolean {
  return ports.some(
    (p) =>
      (p.nodePort !== undefined && p.endpoints.length > 0) ||
      p.endpoints.some((e) => e.ip.startsWith('127.')),
  );
}

/**
 * The whole table, replaced in one transaction: `add` + `delete` empties any earlier version (a crashed run's
 * included) and the definition that follows applies atomically with it, so packets never see a half ruleset.
 */
export function renderRuleset(ports: readonly ProxiedServicePort[], o: RulesetOptions): string {
  const body = [
    `comment "podlet Service proxy for bridge ${o.bridge}"`,
    ...renderMaps(ports, o),
    ...renderBaseChains(ports, o),
    ...ports.flatMap((p) => renderServicePort(p)),
  ];
  return [...removalScript(o.table), `table ip ${o.table} {`, ...body.map((l) => `\t${l}`), '}', ''].join(
    '\n',
  );
}

/** `nft -f` text that removes the table, whether or not it exists. */
export function removalScript(table: string): string[] {
  return [`add table ip ${table}`, `delete table ip ${table}`];
}

function renderMaps(ports: readonly ProxiedServicePort[], o: RulesetOptions): string[] {
  const served = ports.filter((p) => p.endpoints.length > 0);
  const unserved = ports.filter((p) => p.endpoints.length === 0);
  const withNodePort = (list: ProxiedServicePort[]): ProxiedServicePort[] =>
    list.filter((p) => p.nodePort !== undefined);
  const addrKey = 'ipv4_addr . inet_proto . inet_service';
  const lines = [
    declare('set', 'cluster-ips', 'ipv4_addr', unique(ports.map((p) => p.clusterIP))),
    declare('map', 'service-ips', `${addrKey} : verdict`, served.map((p) => `${clusterKey(p)} : goto ${serviceChain(p)}`)),
    declare('map', 'service-nodeports', 'inet_proto . inet_service : verdict', withNodePort(served).map((p) => `${nodePortKey(p)} : goto ${serviceChain(p)}`)),
    declare('map', 'no-endpoint-services', `${addrKey} : verdict`, unserved.map((p) => `${clusterKey(p)} : goto reject-chain`)),
    declare('map', 'no-endpoint-nodeports', 'inet_proto . inet_service : verdict', withNodePort(unserved).map((p) => `${nodePortKey(p)} : goto reject-chain`)),
  ]; // prettier-ignore
  if (o.bridgeNetfilter) {
    const endpointIps = unique(served.flatMap((p) => p.endpoints.map((e) => e.ip)));
    lines.push(
      declare(
        'set',
        'hairpin',
        'ipv4_addr . ipv4_addr',
        endpointIps.map((ip) => `${ip} . ${ip}`),
      ),
    );
  }
  return lines;
}

function renderBaseChains(ports: readonly ProxiedServicePort[], o: RulesetOptions): string[] {
  const br = JSON.stringify(o.bridge);
  const nodePorts = ports.filter((p) => p.nodePort !== undefined && p.endpoints.length > 0);
  const toService = `oifname ${br} ct original ip daddr ${o.serviceCidr}`;
  const masquerade = o.bridgeNetfilter
    ? [
        `${toService} ip saddr != ${o.podCidr} masquerade comment "clients off the pod network"`,
        `${toService} ip saddr . ip daddr @hairpin masquerade comment "a pod reaching itself through its Service"`,
      ]
    : [`${toService} masquerade comment "replies between pods on the bridge bypass conntrack"`];
  return [
    chain('nat-prerouting', 'type nat hook prerouting priority dstnat; policy accept;', [`iifname ${br} jump services`]),
    chain('nat-output', 'type nat hook output priority -100; policy accept;', [
      'jump services',
      `ip daddr ${NODE_PORT_ADDRESS} meta l4proto . th dport vmap @service-nodeports`,
    ]),
    chain('nat-postrouting', 'type nat hook postrouting priority srcnat; policy accept;', [
      ...masquerade,
      ...nodePorts.map((p) => `oifname ${br} ct original ip daddr ${NODE_PORT_ADDRESS} meta l4proto ${p.protocol} ct original proto-dst ${String(p.nodePort)} masquerade`),
    ]),
    chain('filter-forward', 'type filter hook forward priority filter; policy accept;', [
      `iifname ${br} ct state new jump service-endpoints-check`,
      `iifname ${br} ct state new jump cluster-ips-check`,
    ]),
    // CVE-2020-8558: with route_localnet on the bridge, a pod could otherwise reach the host's loopback services.
    chain('filter-input', 'type filter hook input priority filter; policy accept;', [
      ...(o.closedApiPort === undefined ? [] : [`iifname ${br} tcp dport ${String(o.closedApiPort)} reject with tcp reset comment "the API, unless --pod-api-access"`]),
      `iifname ${br} ip daddr 127.0.0.0/8 ct state new ct status & dnat == 0 drop comment "loopback only through a Service"`,
    ]),
    chain('filter-output', 'type filter hook output priority filter; policy accept;', [
      'ct state new jump service-endpoints-check',
      'ct state new jump cluster-ips-check',
      `ip daddr ${NODE_PORT_ADDRESS} ct state new meta l4proto . th dport vmap @no-endpoint-nodeports`,
    ]),
    chain('services', '', ['ip daddr . meta l4proto . th dport vmap @service-ips']),
    chain('service-endpoints-check', '', ['ip daddr . meta l4proto . th dport vmap @no-endpoint-services']),
    chain('cluster-ips-check', '', [
      'ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"',
      `ip daddr ${o.serviceCidr} drop comment "Drop traffic to unallocated ClusterIPs"`,
    ]),
    chain('reject-chain', '', ['reject comment "a Service port without ready endpoints"']),
  ]; // prettier-ignore
}

/** The service port's chain, its endpoints' chains and affinity sets; nothing when it has no endpoint. */
function renderServicePort(p: ProxiedServicePort): string[] {
  if (p.endpoints.length === 0) return [];
  const sticky = p.affinitySeconds !== undefined;
  const targets = p.endpoints.map((e, i) => `${i} : goto ${endpointChain(p, e)}`).join(', ');
  const serviceRules = [
    ...(sticky ? p.endpoints.map((e) => `ip saddr @${affinitySet(p, e)} goto ${endpointChain(p, e)}`) : []),
    `numgen random mod ${p.endpoints.length} vmap { ${targets} }`,
  ];
  const lines = [chain(serviceChain(p), '', serviceRules)];
  for (const e of p.endpoints) {
    if (sticky) {
      lines.push(
        `set ${affinitySet(p, e)} { type ipv4_addr; flags dynamic,timeout; timeout ${String(p.affinitySeconds)}s; }`,
      );
    }
    lines.push(
      chain(endpointChain(p, e), '', [
        ...(sticky ? [`update @${affinitySet(p, e)} { ip saddr }`] : []),
        `meta l4proto ${p.protocol} dnat to ${e.ip}:${String(e.port)}`,
      ]),
    );
  }
  return lines;
}

function chain(name: string, head: string, rules: string[]): string {
  return `chain ${name} { ${[head, ...rules.map((r) => `${r};`)].filter((s) => s !== '').join(' ')} }`;
}

function declare(kind: 'set' | 'map', name: string, type: string, elements: string[]): string {
  const content = elements.length > 0 ? ` elements = { ${elements.join(', ')} };` : '';
  return `${kind} ${name} { type ${type};${content} }`;
}

function clusterKey(p: ProxiedServicePort): string {
  return `${p.clusterIP} . ${p.protocol} . ${String(p.port)}`;
}

function nodePortKey(p: ProxiedServicePort): string {
  return `${p.protocol} . ${String(p.nodePort)}`;
}

// Chain and set names as kube-proxy builds them: a hash keeps them unique, the readable rest is for people.
function serviceChain(p: ProxiedServicePort): string {
  return `service-${shortHash(p.name)}-${p.name}`;
}

function endpointChain(p: ProxiedServicePort, e: ProxyEndpoint): string {
  const suffix = `${p.name}__${e.ip}/${String(e.port)}`;
  return `endpoint-${shortHash(suffix)}-${suffix}`;
}

function affinitySet(p: ProxiedServicePort, e: ProxyEndpoint): string {
  return endpointChain(p, e).replace(/^endpoint-/, 'affinity-');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
