import type { HostAlias, Pod, PodDNSConfig } from 'kubernetes-types/core/v1.js';
import { isDNS1123Label } from '../api/names.js';

export interface EtcHostsInput {
  podIPs: string[];
  hostname: string;
  /** Set when the pod has a `subdomain`: listed before the short name. */
  fqdn?: string;
  hostAliases?: HostAlias[];
}

export interface ResolvConfInput {
  dnsPolicy: string;
  hostNetwork: boolean;
  /** The content of the node's resolv.conf (kubelet --resolv-conf). */
  hostResolvConf: string;
  clusterDns?: string[];
  clusterDomain: string;
  namespace: string;
  dnsConfig?: PodDNSConfig;
  /** For the event message, as the kubelet names the pod (`name_namespace(uid)`). */
  podName?: string;
  podUid?: string;
}

export interface DnsEvent {
  reason: 'MissingClusterDNS' | 'DNSConfigForming';
  message: string;
}

export interface ResolvConf {
  content: string;
  /** Warning events for the pod. */
  events: DnsEvent[];
}

interface DnsSettings {
  servers: string[];
  searches: string[];
  options: string[];
}

/** The hostname or FQDN cannot be set: sandbox creation fails with this message (FailedCreatePodSandBox). */
export class PodHostnameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PodHostnameError';
  }
}

// pkg/kubelet/kubelet_pods.go managedHostsHeader / managedHostsHeaderWithHostNetwork.
const MANAGED_HOSTS_HEADER = '# Kubernetes-managed hosts file.\n';
const MANAGED_HOSTS_HEADER_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).\n';
const LOCAL_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'fe00::0\tip6-mcastprefix',
  'fe00::1\tip6-allnodes',
  'fe00::2\tip6-allrouters',
];
/** pkg/apis/core/validation: MaxDNSNameservers, MaxDNSSearchPaths / MaxDNSSearchListChars (ExpandedDNSConfig, GA). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_LINE_CHARS = 2048;
/** A search domain longer than a DNS subdomain makes some resolvers (glibc 2.28) abort(). */
const MAX_SEARCH_DOMAIN_CHARS = 253;
const DEFAULT_CLUSTER_OPTIONS = ['ndots:5'];
const HOSTNAME_MAX = 63;
/** The Linux nodename field: 64 bytes plus the terminating NUL (pkg/kubelet/util/util.go GetNodenameForKernel). */
const FQDN_MAX = 64;

/** The pod's /etc/hosts (kubelet_pods.go managedHostsFileContent); fields are tab-separated. */
export function renderEtcHosts(input: EtcHostsInput): string {
  const lines = [...LOCAL_HOSTS];
  for (const ip of input.podIPs) {
    lines.push(input.fqdn ? `${ip}\t${input.fqdn}\t${input.hostname}` : `${ip}\t${input.hostname}`);
  }
  return MANAGED_HOSTS_HEADER + lines.map((l) => `${l}\n`).join('') + hostAliasEntries(input.hostAliases);
}

/** A hostNetwork pod's /etc/hosts: the node's file, verbatim, under its own header, then the HostAliases. */
export function renderHostNetworkEtcHosts(hostFile: string, hostAliases?: HostAlias[]): string {
  return MANAGED_HOSTS_HEADER_HOST_NETWORK + hostFile + hostAliasEntries(hostAliases);
}

function hostAliasEntries(aliases: HostAlias[] | undefined): string {
  if (!aliases || aliases.length === 0) return '';
  const lines = aliases.map((a) => `${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}\n`);
  return '\n# Entries added by HostAliases.\n' + lines.join('');
}

/**
 * The pod's resolv.conf: the kubelet's rules (pkg/kubelet/network/dns/dns.go GetPodDNS) rendered as containerd
 * writes them (search, nameservers, options); an empty configuration means a copy of the node's file.
 */
export function renderResolvConf(input: ResolvConfInput): ResolvConf {
  const events: DnsEvent[] = [];
  let dns: DnsSettings = parseResolvConf(input.hostResolvConf);
  const policy = effectivePolicy(input.dnsPolicy, input.hostNetwork);
  if (policy === 'None') {
    dns = { servers: [], searches: [], options: [] };
  } else if (policy === 'ClusterFirst' && input.clusterDns && input.clusterDns.length > 0) {
    dns = {
      servers: [...input.clusterDns],
      searches: clusterSearches(input.clusterDomain, input.namespace, dns.searches),
      options: [...DEFAULT_CLUSTER_OPTIONS],
    };
  } else if (policy === 'ClusterFirst') {
    events.push({ reason: 'MissingClusterDNS', message: missingClusterDnsMessage(input) });
  }
  if (input.dnsConfig) dns = mergeDnsConfig(dns, input.dnsConfig);
  dns = {
    ...dns,
    servers: limitNameservers(dns.servers, events),
    searches: limitSearches(dns.searches, events),
  };
  const content = formatResolvConf(dns);
  return { content: content === '' ? input.hostResolvConf : content, events };
}

/** ClusterFirst on the host network acts as Default; an unknown policy as ClusterFirst (dns.go getPodDNSType). */
function effectivePolicy(dnsPolicy: string, hostNetwork: boolean): 'ClusterFirst' | 'Default' | 'None' {
  switch (dnsPolicy) {
    case 'None':
      return 'None';
    case 'Default':
      return 'Default';
    case 'ClusterFirstWithHostNet':
      return 'ClusterFirst';
    case 'ClusterFirst':
      return hostNetwork ? 'Default' : 'ClusterFirst';
    default:
      return 'ClusterFirst';
  }
}

function missingClusterDnsMessage(input: ResolvConfInput): string {
  const node =
    'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. ' +
    'Falling back to "Default" policy.';
  if (input.podName === undefined) return node;
  return `pod: ${JSON.stringify(`${input.podName}_${input.namespace}(${input.podUid ?? ''})`)}. ${node}`;
}

/**
 * Parses a resolv.conf as the kubelet does: nameservers accumulate, the last `search` line wins (trailing dots
 * trimmed, a lone "." dropped), the last `options` line wins.
 */
export function parseResolvConf(text: string): DnsSettings {
  const out: DnsSettings = { servers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    const [key, ...fields] = trimmed.split(/\s+/).filter((f) => f !== '');
    if (key === 'nameserver' && fields[0] !== undefined) out.servers.push(fields[0]);
    if (key === 'search') out.searches = fields.filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    if (key === 'options') out.options = fields;
  }
  return out;
}

function clusterSearches(clusterDomain: string, namespace: string, hostSearches: string[]): string[] {
  if (clusterDomain === '') return hostSearches;
  const cluster = [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain];
  return unique([...cluster, ...hostSearches]);
}

/** dnsConfig goes on top: servers and searches appended without duplicates, options merged by name. */
function mergeDnsConfig(base: DnsSettings, extra: PodDNSConfig): DnsSettings {
  return {
    servers: unique([...base.servers, ...(extra.nameservers ?? [])]),
    searches: unique([...base.searches, ...(extra.searches ?? [])]),
    options: mergeOptions(base.options, extra.options ?? []),
  };
}

/**
 * An option given in dnsConfig replaces the one of the same name. The kubelet collects them in a Go map, so its
 * order is random; podlet keeps the order of first appearance, which is one of the orders the kubelet can produce.
 */
function mergeOptions(base: string[], extra: NonNullable<PodDNSConfig['options']>): string[] {
  const byName = new Map<string, string>();
  for (const op of base) {
    const i = op.indexOf(':');
    if (i === -1) byName.set(op, '');
    else byName.set(op.slice(0, i), op.slice(i + 1));
  }
  for (const op of extra) byName.set(op.name ?? '', op.value ?? '');
  return [...byName].map(([name, value]) => (value === '' ? name : `${name}:${value}`));
}

function limitNameservers(servers: string[], events: DnsEvent[]): string[] {
  if (servers.length <= MAX_NAMESERVERS) return servers;
  const kept = servers.slice(0, MAX_NAMESERVERS);
  events.push({
    reason: 'DNSConfigForming',
    message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${kept.join(' ')}`,
  });
  return kept;
}

/** dns.go formDNSSearchFitsLimits: count first, then over-long domains, then cut from the end to fit the line. */
function limitSearches(searches: string[], events: DnsEvent[]): string[] {
  let kept = searches.slice(0, MAX_SEARCH_PATHS);
  let exceeded = kept.length < searches.length;
  const short = kept.filter((s) => s.length <= MAX_SEARCH_DOMAIN_CHARS);
  exceeded ||= short.length < kept.length;
  kept = short;
  while (kept.length > 0 && kept.join(' ').length > MAX_SEARCH_LINE_CHARS) {
    kept = kept.slice(0, -1);
    exceeded = true;
  }
  if (exceeded) {
    events.push({
      reason: 'DNSConfigForming',
      message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${kept.join(' ')}`,
    });
  }
  return kept;
}

/** containerd's CRI plugin (parseDNSOptions) writes `search`, then one `nameserver` per line, then `options`. */
function formatResolvConf(dns: DnsSettings): string {
  let out = '';
  if (dns.searches.length > 0) out += `search ${dns.searches.join(' ')}\n`;
  for (const server of dns.servers) out += `nameserver ${server}\n`;
  if (dns.options.length > 0) out += `options ${dns.options.join(' ')}\n`;
  return out;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The pod's hostname: spec.hostname, else the pod name, cut to 63 characters without a trailing '-' or '.'
 * (kubelet_pods.go GeneratePodHostNameAndDomain, truncatePodHostnameIfNeeded).
 */
export function podHostname(pod: Pod): string {
  const explicit = pod.spec?.hostname ?? '';
  if (explicit !== '') checkLabel('Hostname', explicit);
  const hostname = explicit || (pod.metadata?.name ?? '');
  if (hostname.length <= HOSTNAME_MAX) return hostname;
  const truncated = hostname.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '');
  if (truncated === '')
    throw new PodHostnameError(
      `hostname for pod ${JSON.stringify(pod.metadata?.name)} was invalid: ${JSON.stringify(hostname)}`,
    );
  return truncated;
}

/**
 * `<hostname>.<subdomain>.<namespace>.svc.<clusterDomain>` when the pod has a subdomain, else undefined. With
 * setHostnameAsFQDN the kernel must hold it, so more than 64 characters fails the sandbox as on the kubelet.
 */
export function podFqdn(pod: Pod, clusterDomain: string): string | undefined {
  const subdomain = pod.spec?.subdomain ?? '';
  if (subdomain === '') return undefined;
  checkLabel('Subdomain', subdomain);
  const fqdn = `${podHostname(pod)}.${subdomain}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}`;
  if (pod.spec?.setHostnameAsFQDN === true && fqdn.length > FQDN_MAX) {
    throw new PodHostnameError(
      `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long ` +
        `(${FQDN_MAX} characters is the max, ${fqdn.length} characters requested)`,
    );
  }
  return fqdn;
}

/** What the sandbox's UTS namespace holds: the FQDN with setHostnameAsFQDN and a subdomain, else the hostname. */
export function podKernelHostname(pod: Pod, clusterDomain: string): string {
  const fqdn = podFqdn(pod, clusterDomain);
  return fqdn !== undefined && pod.spec?.setHostnameAsFQDN === true ? fqdn : podHostname(pod);
}

function checkLabel(field: 'Hostname' | 'Subdomain', value: string): void {
  const problems = isDNS1123Label(value);
  if (problems.length > 0) {
    throw new PodHostnameError(
      `pod ${field} ${JSON.stringify(value)} is not a valid DNS label: ${problems.join(';')}`,
    );
  }
}
