// fast-check arbitraries for API objects of five kinds, valid and malformed: wrong types, unknown fields, nulls,
// odd unicode and very long names, parts missing. Pods are pinned to a node that does not exist.
import fc from 'fast-check';

export type Kind = 'configmaps' | 'secrets' | 'services' | 'pods' | 'namespaces';
export const KINDS: readonly Kind[] = ['configmaps', 'secrets', 'services', 'pods', 'namespaces'];

/** Pods are bound to a node that does not exist: no kubelet starts them, and nothing pulls their images. */
export const NOWHERE_NODE = 'fuzz-nowhere';
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '.',
  '..',
  '-a',
  'a-',
  'A',
  'ß',
  '日本語',
  '\u202etxt',
  '\ud83d\ude00',
  'a'.repeat(64),
  'a'.repeat(254),
  'a'.repeat(70_000),
  'a/b',
  '%2F',
  '../x',
  'x;y',
  'default',
  'kube-system',
  'a..b',
  'é',
];

export const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,14}[a-z0-9])?$/);

/** Mostly valid names (so that writes succeed and objects pile up), sometimes anything at all. */
export const name: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: dnsLabel.map((s) => `fz-${s}`.slice(0, 63).replace(/-+$/, '')) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, -1, 2 ** 53, 1e308, -0, 0.5, true, [], {}, '', 'x'.repeat(300)),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

const stringMap = fc.dictionary(
  fc.oneof(
    { weight: 12, arbitrary: dnsLabel },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  ),
  fc.oneof({ weight: 12, arbitrary: dnsLabel }, { weight: 1, arbitrary: fc.string({ maxLength: 80 }) }),
  { maxKeys: 4 },
);

const metadata = fc.record(
  {
    name,
    labels: stringMap,
    annotations: stringMap,
    finalizers: fc.array(fc.constantFrom('a.io/x', 'a.io/y', 'bad name'), { maxLength: 1 }),
  },
  { requiredKeys: ['name'] },
);

const configMap = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('ConfigMap'),
  metadata,
  data: stringMap,
});

const secret = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Secret'),
    metadata,
    type: fc.constantFrom('Opaque', 'kubernetes.io/tls', 'weird'),
    data: fc.dictionary(dnsLabel, fc.oneof(fc.base64String({ maxLength: 40 }), fc.constant('not base64!'))),
    stringData: stringMap,
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata'] },
);

const servicePort = fc.record(
  {
    name: dnsLabel,
    port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer()),
    protocol: fc.constantFrom('TCP', 'UDP', 'SCTP', 'tcp'),
    targetPort: fc.oneof(fc.integer({ min: 1, max: 65535 }), dnsLabel),
  },
  { requiredKeys: ['port'] },
);

const service = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Service'),
  metadata,
  spec: fc.record(
    {
      type: fc.constantFrom('ClusterIP', 'NodePort', 'ExternalName', 'Headless'),
      selector: stringMap,
      ports: fc.array(servicePort, { maxLength: 3 }),
      clusterIP: fc.constantFrom('None', '10.96.0.50', 'bogus', ''),
      externalName: fc.constantFrom('example.com', 'bad name'),
    },
    { requiredKeys: [] },
  ),
});

const container = fc.record(
  {
    name: fc.oneof(dnsLabel, fc.constantFrom('', 'Bad_Name')),
    image: fc.constantFrom(
      'localhost/podlet-test/busybox:1.0',
      'localhost/podlet-test/busybox:1.0',
      '',
      'UPPER:case',
    ),
    command: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    env: fc.array(
      fc.record({ name: fc.oneof(dnsLabel, fc.constant('1bad')), value: fc.string({ maxLength: 10 }) }),
      {
        maxLength: 3,
      },
    ),
    resources: fc.record(
      {
        limits: fc.dictionary(
          fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu'),
          fc.constantFrom('1', '100m', '1Gi', '-1', 'lots'),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['name', 'image'] },
);

const pod = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Pod'),
  metadata,
  spec: fc.record(
    {
      containers: fc.array(container, { minLength: 1, maxLength: 2 }),
      restartPolicy: fc.constantFrom('Always', 'Never', 'OnFailure', 'Sometimes'),
      activeDeadlineSeconds: fc.integer({ min: -5, max: 100 }),
      terminationGracePeriodSeconds: fc.integer({ min: -1, max: 30 }),
    },
    { requiredKeys: ['containers'] },
  ),
});

const namespace = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Namespace'),
  metadata: fc.record({ name, labels: stringMap }, { requiredKeys: ['name'] }),
});

const BASES: Record<Kind, fc.Arbitrary<Record<string, unknown>>> = {
  configmaps: configMap,
  secrets: secret,
  services: service,
  pods: pod,
  namespaces: namespace,
};

/** One change to a document: walk `path` (indexes into the keys met), then set, delete, or add a stray key. */
interface Mutation {
  path: number[];
  action: 'set' | 'delete' | 'unknown';
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 4 }),
  action: fc.constantFrom('set', 'set', 'delete', 'unknown'),
  value: oddValue,
});

/** A kind's object, often valid, often with wrong types, nulls, unknown fields or parts missing. */
export function objectOf(kind: Kind): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      BASES[kind],
      fc.oneof(fc.constant([]), fc.array(mutation, { minLength: 1, maxLength: 3 })),
      fc.boolean(),
    )
    .map(([base, mutations, wholesale]) => {
      if (wholesale && mutations.length === 3) return mutations[0]?.value;
      const doc = structuredClone(base);
      for (const m of mutations) mutate(doc, m);
      return kind === 'pods' ? pinned(doc) : doc;
    });
}

function mutate(doc: Record<string, unknown>, m: Mutation): void {
  let node: unknown = doc;
  for (const step of m.path) {
    const keys = node !== null && typeof node === 'object' ? Object.keys(node) : [];
    const key = keys[step % Math.max(keys.length, 1)];
    const child = key === undefined ? undefined : (node as Record<string, unknown>)[key];
    if (child === null || typeof child !== 'object') break;
    node = child;
  }
  if (node === null || typeof node !== 'object') return;
  const target = node as Record<string, unknown>;
  const keys = Object.keys(target);
  const key = keys[(m.path.at(-1) ?? 0) % Math.max(keys.length, 1)];
  if (m.action === 'unknown' || key === undefined) target[`fuzz${keys.length}`] = m.value;
  else if (m.action === 'delete') delete target[key];
  else target[key] = m.value;
}

/** Whatever the mutations did, a pod body that has a spec keeps it on the node nobody runs. */
export function pinned(doc: unknown): unknown {
  const spec = (doc as { spec?: unknown } | null)?.spec;
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec))
    (spec as Record<string, unknown>).nodeName = NOWHERE_NODE;
  return doc;
}
