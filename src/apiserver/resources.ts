// Every resource podlet serves, as kube-apiserver 1.33 advertises it in discovery (`kubectl api-resources -o wide`):
// names, short names, categories, verbs and subresources follow the upstream REST storage of each resource
// (kubernetes/kubernetes pkg/registry/<group>/<resource>/storage/storage.go and pkg/registry/*/rest/storage_*.go).

export interface SubresourceDefinition {
  name: string;
  kind: string;
  /** Set when the subresource answers with a kind of another group (pods/eviction -> policy/v1 Eviction). */
  group?: string;
  version?: string;
  verbs: string[];
}

export interface ResourceDefinition {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, as in URLs: 'pods'. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceDefinition[];
  /** Key in the store; group-qualified outside the core group. Two versions of one resource share one key. */
  storageKey: string;
}

/** The verbs of a resource with the full generic REST storage (registry/generic/registry.Store). */
const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** A `/status` subresource: the same kind, read and written apart from spec. */
const STATUS_VERBS = ['get', 'patch', 'update'];

interface Entry {
  group?: string;
  version?: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: SubresourceDefinition[];
  storageKey?: string;
}

function status(kind: string): SubresourceDefinition {
  return { name: 'status', kind, verbs: STATUS_VERBS };
}

function define(entry: Entry): ResourceDefinition {
  const group = entry.group ?? '';
  return {
    group,
    version: entry.version ?? 'v1',
    resource: entry.resource,
    singular: entry.kind.toLowerCase(),
    kind: entry.kind,
    listKind: `${entry.kind}List`,
    namespaced: entry.namespaced,
    shortNames: entry.shortNames ?? [],
    categories: entry.categories ?? [],
    verbs: entry.verbs ?? CRUD,
    subresources: entry.subresources ?? [],
    storageKey: entry.storageKey ?? (group === '' ? entry.resource : `${entry.resource}.${group}`),
  };
}

const podSubresources: SubresourceDefinition[] = [
  { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  { name: 'binding', kind: 'Binding', verbs: ['create'] },
  { name: 'ephemeralcontainers', kind: 'Pod', verbs: STATUS_VERBS },
  // pkg/registry/core/rest/storage_core.go: the eviction subresource answers in the policy group.
  { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  { name: 'log', kind: 'Pod', verbs: ['get'] },
  { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  status('Pod'),
];

export const resources: readonly ResourceDefinition[] = [
  define({ resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
  define({ resource: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] }),
  define({ resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
  // A namespace is removed through its finalizers, never in bulk: no deletecollection (registry/core/namespace).
  define({
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }, status('Namespace')],
  }),
  define({
    resource: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: [status('Node')],
  }),
  define({
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: [status('PersistentVolumeClaim')],
  }),
  define({
    resource: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    subresources: [status('PersistentVolume')],
  }),
  define({
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: podSubresources,
  }),
  define({ resource: 'secrets', kind: 'Secret', namespaced: true }),
  define({
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    // pkg/registry/core/rest/storage_core.go: the token subresource answers with an authentication/v1 TokenRequest.
    subresources: [
      {
        name: 'token',
        kind: 'TokenRequest',
        group: 'authentication.k8s.io',
        version: 'v1',
        verbs: ['create'],
      },
    ],
  }),
  define({
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [status('Service')],
  }),
  define({
    group: 'authentication.k8s.io',
    resource: 'selfsubjectreviews',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: ['create'],
  }),
  define({
    group: 'authorization.k8s.io',
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
  }),
  define({
    group: 'authorization.k8s.io',
    resource: 'selfsubjectrulesreviews',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: ['create'],
  }),
  define({ group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease', namespaced: true }),
  define({ group: 'discovery.k8s.io', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true }),
  // One storage for both Event shapes, as kube-apiserver stores events.k8s.io/v1 Events as core/v1 Events and
  // converts on the way in and out (pkg/apis/events, pkg/registry/core/event); see event-conversion.ts.
  define({
    group: 'events.k8s.io',
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    storageKey: 'events',
  }),
  // Served by metrics-server in a real cluster (kubernetes-sigs/metrics-server pkg/api): read-only, no short names.
  define({
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'nodes',
    kind: 'NodeMetrics',
    namespaced: false,
    verbs: ['get', 'list'],
  }),
  define({
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'pods',
    kind: 'PodMetrics',
    namespaced: true,
    verbs: ['get', 'list'],
  }),
  define({
    group: 'scheduling.k8s.io',
    resource: 'priorityclasses',
    kind: 'PriorityClass',
    namespaced: false,
    shortNames: ['pc'],
  }),
  define({
    group: 'storage.k8s.io',
    resource: 'storageclasses',
    kind: 'StorageClass',
    namespaced: false,
    shortNames: ['sc'],
  }),
];

export function findResource(
  group: string,
  version: string,
  resource: string,
): ResourceDefinition | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** `v1` for the core group, `group/version` elsewhere: the apiVersion of every object of the resource. */
export function apiVersionOf(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}
