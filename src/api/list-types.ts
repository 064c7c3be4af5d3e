// How each list field of the kinds podlet serves is merged, read from the struct tags of k8s.io/api core/v1 and
// storage/v1 types.go and apimachinery meta/v1 types.go: `patchStrategy`/`patchMergeKey` drive strategic merge
// patch (apimachinery util/strategicpatch), `+listType`/`+listMapKey` drive server-side apply
// (sigs.k8s.io/structured-merge-diff). A list that is not in the table has neither: a strategic merge patch
// replaces it and server-side apply treats it as atomic, which is also what upstream does for untagged lists.

/** One list field's strategies. */
export interface ListStrategy {
  /** patchStrategy: `merge` merges by patchMergeKey (or as a set for scalars); absent = replace. */
  patchStrategy?: 'merge' | 'merge,retainKeys';
  patchMergeKey?: string;
  /** +listType for server-side apply. */
  listType: 'atomic' | 'set' | 'map';
  /** +listMapKey(s), for listType `map`. */
  listMapKeys?: readonly string[];
  /**
   * Key field defaults the API server fills in (structured-merge-diff reads them from the OpenAPI `default`), so
   * an applied item without the field still matches the defaulted live item.
   */
  keyDefaults?: Readonly<Record<string, string | number>>;
}

/** Path of a list field in an object: field names joined by `.`, `[]` after a list to step into its items. */
export type ListPath = string;

export type ListTable = Readonly<Record<ListPath, ListStrategy>>;

function byKey(key: string, strategy?: ListStrategy['patchStrategy']): ListStrategy {
  return { patchStrategy: strategy ?? 'merge', patchMergeKey: key, listType: 'map', listMapKeys: [key] };
}

const mapOnly = (...keys: string[]): ListStrategy => ({ listType: 'map', listMapKeys: keys });
const mergedSet: ListStrategy = { patchStrategy: 'merge', listType: 'set' };
const tcp = { protocol: 'TCP' } as const;

function under(prefix: string, table: ListTable): ListTable {
  return Object.fromEntries(Object.entries(table).map(([path, s]) => [`${prefix}${path}`, s]));
}

const objectMeta: ListTable = {
  'metadata.ownerReferences': byKey('uid'),
  'metadata.finalizers': mergedSet,
};

// Container and EphemeralContainerCommon carry the same tags.
const container: ListTable = {
  ports: {
    patchStrategy: 'merge',
    patchMergeKey: 'containerPort',
    listType: 'map',
    listMapKeys: ['containerPort', 'protocol'],
    keyDefaults: tcp,
  },
  env: byKey('name'),
  'resources.claims': mapOnly('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
};

const containerStatus: ListTable = {
  'resources.claims': mapOnly('name'),
  volumeMounts: byKey('mountPath'),
};

const pod: ListTable = {
  ...objectMeta,
  'spec.volumes': byKey('name', 'merge,retainKeys'),
  ...under('spec.volumes[].ephemeral.volumeClaimTemplate.', objectMeta),
  'spec.initContainers': byKey('name'),
  ...under('spec.initContainers[].', container),
  'spec.containers': byKey('name'),
  ...under('spec.containers[].', container),
  'spec.ephemeralContainers': byKey('name'),
  ...under('spec.ephemeralContainers[].', container),
  'spec.imagePullSecrets': byKey('name'),
  'spec.hostAliases': byKey('ip'),
  'spec.topologySpreadConstraints': {
    patchStrategy: 'merge',
    patchMergeKey: 'topologyKey',
    listType: 'map',
    listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
  },
  'spec.schedulingGates': byKey('name'),
  'spec.resourceClaims': byKey('name', 'merge,retainKeys'),
  'status.conditions': byKey('type'),
  'status.hostIPs': { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' },
  'status.podIPs': byKey('ip'),
  ...under('status.initContainerStatuses[].', containerStatus),
  ...under('status.containerStatuses[].', containerStatus),
  ...under('status.ephemeralContainerStatuses[].', containerStatus),
  'status.resourceClaimStatuses': byKey('name', 'merge,retainKeys'),
};

const node: ListTable = {
  ...objectMeta,
  'spec.podCIDRs': mergedSet,
  'status.conditions': byKey('type'),
  'status.addresses': byKey('type'),
};

const pvc: ListTable = {
  ...objectMeta,
  'status.conditions': byKey('type'),
};

const service: ListTable = {
  ...objectMeta,
  'spec.ports': {
    patchStrategy: 'merge',
    patchMergeKey: 'port',
    listType: 'map',
    listMapKeys: ['port', 'protocol'],
    keyDefaults: tcp,
  },
  'status.conditions': byKey('type'),
};

/** The list strategies of every kind podlet serves, keyed by kind. */
export const listTypes: Readonly<Record<string, ListTable>> = {
  Pod: pod,
  Node: node,
  Namespace: { ...objectMeta, 'status.conditions': byKey('type') },
  ConfigMap: objectMeta,
  Secret: objectMeta,
  Event: objectMeta,
  ServiceAccount: { ...objectMeta, secrets: byKey('name') },
  PersistentVolumeClaim: pvc,
  PersistentVolume: objectMeta,
  StorageClass: objectMeta,
  Service: service,
};

/** A kind's list table; kinds podlet does not know get the ObjectMeta lists only. */
export function listTableFor(kind: string | undefined): ListTable {
  return (kind !== undefined ? listTypes[kind] : undefined) ?? objectMeta;
}

/** The strategy of the list at `path` (see ListPath), or undefined when the list is untagged. */
export function listStrategy(table: ListTable, path: ListPath): ListStrategy | undefined {
  return table[path];
}
