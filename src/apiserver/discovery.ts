// Discovery documents built from the resource table: aggregated (apidiscovery.k8s.io/v2, what kubectl asks for
// first) and legacy (APIVersions, APIGroupList, APIResourceList), plus /version. Shapes follow
// k8s.io/api/apidiscovery/v2/types.go and k8s.io/apiserver/pkg/endpoints/discovery.
import type { APIGroupList, APIResource, APIResourceList, APIVersions } from 'kubernetes-types/meta/v1.js';
import { apiVersionOf, resources, type ResourceDefinition } from './resources.js';

export type AggregatedVersion = 'v2' | 'v2beta1';

/** What to answer on /api and /apis: an aggregated list, the legacy document, or 406. */
export type DiscoveryForm = AggregatedVersion | 'legacy' | 'not-acceptable';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current';
}

export interface APIGroupDiscovery {
  metadata: { name: string; creationTimestamp: null };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: `apidiscovery.k8s.io/${AggregatedVersion}`;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

export interface VersionInfo {
  major: string;
  minor: string;
  emulationMajor: string;
  emulationMinor: string;
  minCompatibilityMajor: string;
  minCompatibilityMinor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** Without exactly this Content-Type kubectl treats the reply as legacy discovery and fetches every group-version. */
export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** The Kubernetes release podlet speaks; kubectl's dispatcher picks the matching kubectl.1.NN binary from it. */
export const KUBERNETES_VERSION = { major: '1', minor: '33', gitVersion: 'v1.33.0' } as const;

/**
 * Group order of kube-apiserver's /apis (the aggregator's group priorities,
 * pkg/controlplane/apiserver/aggregator.go); metrics.k8s.io, aggregated in a real cluster, comes last.
 */
const GROUP_ORDER = [
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'metrics.k8s.io',
];

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges = accept.split(',').map((part): MediaRange => {
    const [type = '', ...rest] = part.split(';').map((s) => s.trim());
    const params = new Map<string, string>();
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
    }
    const q = Number(params.get('q') ?? '1');
    return { type: type.toLowerCase(), params, q: Number.isNaN(q) ? 1 : q };
  });
  // A stable sort keeps the client's order among equal q values, which is how kubectl states its preference.
  return ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
}

function formOf(range: MediaRange): DiscoveryForm | undefined {
  const json = ['application/json', 'application/*', '*/*'].includes(range.type);
  if (range.params.get('g') === 'apidiscovery.k8s.io' && range.params.get('as') === 'APIGroupDiscoveryList') {
    const v = range.params.get('v');
    return range.type === 'application/json' && (v === 'v2' || v === 'v2beta1') ? v : undefined;
  }
  return json && !range.params.has('as') ? 'legacy' : undefined;
}

/** Picks the discovery form for an Accept header (apiserver/pkg/endpoints/handlers/negotiation). */
export function negotiateDiscovery(accept: string | undefined): DiscoveryForm {
  if (accept === undefined || accept.trim() === '') return 'legacy';
  for (const range of parseAccept(accept)) {
    const form = formOf(range);
    if (form !== undefined) return form;
  }
  return 'not-acceptable';
}

function byGroupOrder(a: string, b: string): number {
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Named groups (or the core group alone) with their versions in preference order. */
function groupVersions(core: boolean, defs: readonly ResourceDefinition[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const sorted = defs.filter((d) => (d.group === '') === core).sort((a, b) => byGroupOrder(a.group, b.group));
  for (const def of sorted) {
    const versions = groups.get(def.group) ?? [];
    if (!versions.includes(def.version)) versions.push(def.version);
    groups.set(def.group, versions);
  }
  return groups;
}

function inVersion(
  defs: readonly ResourceDefinition[],
  group: string,
  version: string,
): ResourceDefinition[] {
  return defs
    .filter((d) => d.group === group && d.version === version)
    .sort((a, b) => a.resource.localeCompare(b.resource));
}

function resourceDiscovery(def: ResourceDefinition): APIResourceDiscovery {
  const entry: APIResourceDiscovery = {
    resource: def.resource,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: [...def.verbs],
  };
  if (def.shortNames.length > 0) entry.shortNames = [...def.shortNames];
  if (def.categories.length > 0) entry.categories = [...def.categories];
  if (def.subresources.length > 0) {
    entry.subresources = def.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? def.group, version: s.version ?? def.version, kind: s.kind },
      verbs: [...s.verbs],
    }));
  }
  return entry;
}

/** The aggregated document for `/api` (scope 'api', the core group) or `/apis` (every named group). */
export function aggregatedDiscovery(
  scope: 'api' | 'apis',
  version: AggregatedVersion,
  defs: readonly ResourceDefinition[] = resources,
): APIGroupDiscoveryList {
  const items = [...groupVersions(scope === 'api', defs)].map(([group, versions]) => ({
    metadata: { name: group, creationTimestamp: null },
    versions: versions.map((v) => ({
      version: v,
      resources: inVersion(defs, group, v).map(resourceDiscovery),
      freshness: 'Current' as const,
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** Legacy `/api`: the core versions and the address clients reach the server at (`host:port`). */
export function legacyApiVersions(serverAddress: string): APIVersions {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** Legacy `/apis`. */
export function legacyApiGroupList(defs: readonly ResourceDefinition[] = resources): APIGroupList {
  const groups = [...groupVersions(false, defs)].map(([name, versions]) => {
    const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions: list, preferredVersion: list[0] ?? { groupVersion: '', version: '' } };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

function legacySubresources(def: ResourceDefinition): APIResource[] {
  return def.subresources.map((s) => {
    const entry: APIResource = {
      name: `${def.resource}/${s.name}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: s.kind,
      verbs: [...s.verbs],
    };
    if (s.group !== undefined) entry.group = s.group;
    if (s.version !== undefined) entry.version = s.version;
    return entry;
  });
}

/** Legacy `/api/v1` or `/apis/G/V`; undefined when podlet serves no such group-version (a 404). */
export function legacyApiResourceList(
  group: string,
  version: string,
  defs: readonly ResourceDefinition[] = resources,
): APIResourceList | undefined {
  const served = inVersion(defs, group, version);
  if (served.length === 0) return undefined;
  const list: APIResource[] = [];
  for (const def of served) {
    const entry: APIResource = {
      name: def.resource,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: [...def.verbs],
    };
    if (def.shortNames.length > 0) entry.shortNames = [...def.shortNames];
    if (def.categories.length > 0) entry.categories = [...def.categories];
    list.push(entry, ...legacySubresources(def));
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: list,
  };
}

/** Go's GOARCH for Node's process.arch, as /version's platform reports it. */
function goArch(arch: string): string {
  const names: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    ppc64: 'ppc64le',
    arm64: 'arm64',
    arm: 'arm',
  };
  return names[arch] ?? arch;
}

export interface VersionOptions {
  /** podlet's own commit, when known. */
  gitCommit?: string;
  buildDate?: string;
  arch?: string;
}

/** `/version` (k8s.io/apimachinery/pkg/version.Info), claiming the Kubernetes release whose API podlet serves. */
export function versionInfo(options: VersionOptions = {}): VersionInfo {
  const { major, minor, gitVersion } = KUBERNETES_VERSION;
  return {
    major,
    minor,
    emulationMajor: major,
    emulationMinor: minor,
    minCompatibilityMajor: major,
    minCompatibilityMinor: String(Number(minor) - 1),
    gitVersion,
    gitCommit: options.gitCommit ?? '',
    gitTreeState: 'clean',
    buildDate: options.buildDate ?? '1970-01-01T00:00:00Z',
    goVersion: '',
    compiler: 'gc',
    platform: `linux/${goArch(options.arch ?? process.arch)}`,
  };
}
