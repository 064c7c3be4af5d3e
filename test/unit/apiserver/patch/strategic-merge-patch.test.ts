import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchError } from '../../../../src/apiserver/patch/errors.js';
import type { JsonObject } from '../../../../src/apiserver/patch/json-value.js';
import { applyStrategicMergePatch } from '../../../../src/apiserver/patch/strategic-merge-patch.js';

const pod = (spec: JsonObject, metadata: JsonObject = { name: 'p' }): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec,
});

// Behaviour from apimachinery util/strategicpatch/patch_test.go, with our own Pod fixtures.
const cases: { name: string; original: JsonObject; patch: JsonObject; want: JsonObject }[] = [
  {
    name: 'merges containers by name, keeping the ones the patch does not name',
    original: pod({
      containers: [
        { name: 'a', image: 'x:1' },
        { name: 'b', image: 'y:1' },
      ],
    }),
    patch: { spec: { containers: [{ name: 'b', image: 'y:2' }] } },
    want: pod({
      containers: [
        { name: 'a', image: 'x:1' },
        { name: 'b', image: 'y:2' },
      ],
    }),
  },
  {
    name: 'merges env by name and deletes a field with null',
    original: pod({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', valueFrom: { x: 1 } },
          ],
        },
      ],
    }),
    patch: {
      spec: {
        containers: [
          {
            name: 'a',
            env: [
              { name: 'B', valueFrom: null, value: '2' },
              { name: 'C', value: '3' },
            ],
          },
        ],
      },
    },
    want: pod({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
            { name: 'C', value: '3' },
          ],
        },
      ],
    }),
  },
  {
    name: 'merges container ports by containerPort and volumeMounts by mountPath',
    original: pod({
      containers: [
        {
          name: 'a',
          ports: [{ containerPort: 80, name: 'http' }],
          volumeMounts: [{ mountPath: '/d', name: 'v' }],
        },
      ],
    }),
    patch: {
      spec: {
        containers: [
          {
            name: 'a',
            ports: [{ containerPort: 80, name: 'web' }, { containerPort: 443 }],
            volumeMounts: [{ mountPath: '/d', readOnly: true }],
          },
        ],
      },
    },
    want: pod({
      containers: [
        {
          name: 'a',
          ports: [{ containerPort: 80, name: 'web' }, { containerPort: 443 }],
          volumeMounts: [{ mountPath: '/d', name: 'v', readOnly: true }],
        },
      ],
    }),
  },
  {
    name: 'deletes a list item with $patch: delete',
    original: pod({ containers: [{ name: 'a' }, { name: 'b' }] }),
    patch: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } },
    want: pod({ containers: [{ name: 'b' }] }),
  },
  {
    name: 'replaces a merging list with $patch: replace',
    original: pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b' }] }),
    patch: { spec: { containers: [{ name: 'c' }, { $patch: 'replace' }] } },
    want: pod({ containers: [{ name: 'c' }] }),
  },
  {
    name: 'replaces a map with $patch: replace',
    original: pod({ nodeSelector: { a: '1', b: '2' } }),
    patch: { spec: { nodeSelector: { $patch: 'replace', c: '3' } } },
    want: pod({ nodeSelector: { c: '3' } }),
  },
  {
    name: 'empties a map with $patch: delete',
    original: pod({ nodeSelector: { a: '1' } }),
    patch: { spec: { nodeSelector: { $patch: 'delete' } } },
    want: pod({ nodeSelector: {} }),
  },
  {
    name: 'replaces lists without a patch strategy (tolerations)',
    original: pod({ tolerations: [{ key: 'a' }, { key: 'b' }] }),
    patch: { spec: { tolerations: [{ key: 'c' }] } },
    want: pod({ tolerations: [{ key: 'c' }] }),
  },
  {
    name: 'merges a merging list of scalars as a set',
    original: pod({}, { name: 'p', finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['b', 'c'] } },
    want: pod({}, { name: 'p', finalizers: ['a', 'b', 'c'] }),
  },
  {
    name: 'deletes scalars with $deleteFromPrimitiveList',
    original: pod({}, { name: 'p', finalizers: ['a', 'b', 'c'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'x'] } },
    want: pod({}, { name: 'p', finalizers: ['a', 'c'] }),
  },
  {
    name: 'orders a merged list by $setElementOrder',
    original: pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }],
        containers: [{ name: 'a', image: 'i' }],
      },
    },
    want: pod({ containers: [{ name: 'c' }, { name: 'a', image: 'i' }, { name: 'b' }] }),
  },
  {
    name: 'slots server-only items back by their live order',
    original: pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
    patch: { spec: { containers: [{ name: 'd' }, { name: 'b', image: 'i' }] } },
    want: pod({ containers: [{ name: 'd' }, { name: 'a' }, { name: 'b', image: 'i' }, { name: 'c' }] }),
  },
  {
    name: 'clears the keys $retainKeys does not list (volume source switch)',
    original: pod({ volumes: [{ name: 'v', emptyDir: {} }] }),
    patch: {
      spec: { volumes: [{ name: 'v', $retainKeys: ['hostPath', 'name'], hostPath: { path: '/x' } }] },
    },
    want: pod({ volumes: [{ name: 'v', hostPath: { path: '/x' } }] }),
  },
  {
    name: 'deletes a key with null and adds a new one without nulls or directives',
    original: pod({ nodeName: 'n', hostname: 'h' }),
    patch: {
      spec: {
        nodeName: null,
        dnsConfig: { options: null, searches: ['a'] },
        newList: [{ $patch: 'delete' }, 1],
      },
    },
    want: pod({ hostname: 'h', dnsConfig: { searches: ['a'] }, newList: [1] }),
  },
  {
    name: 'applies what kubectl apply sends for an image change',
    original: pod(
      { containers: [{ name: 'c', image: 'nginx:1', imagePullPolicy: 'IfNotPresent' }] },
      { name: 'p', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'old' } },
    ),
    patch: {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'new' } },
      spec: { '$setElementOrder/containers': [{ name: 'c' }], containers: [{ image: 'nginx:2', name: 'c' }] },
    },
    want: pod(
      { containers: [{ name: 'c', image: 'nginx:2', imagePullPolicy: 'IfNotPresent' }] },
      { name: 'p', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'new' } },
    ),
  },
  {
    name: 'inserts a new item where $setElementOrder puts it',
    original: pod({ containers: [{ name: 'a' }] }),
    patch: {
      spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'b' }] },
    },
    want: pod({ containers: [{ name: 'b' }, { name: 'a' }] }),
  },
  {
    name: 'merges Service ports by port',
    original: { kind: 'Service', spec: { ports: [{ port: 80, targetPort: 8080 }] } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
    want: { kind: 'Service', spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
  },
  {
    name: 'keeps a __proto__ data key as data',
    original: { kind: 'ConfigMap', data: {} },
    patch: JSON.parse('{"data":{"__proto__":{"polluted":"yes"}}}') as JsonObject,
    want: JSON.parse('{"kind":"ConfigMap","data":{"__proto__":{"polluted":"yes"}}}') as JsonObject,
  },
];

const failures: { name: string; patch: unknown; code: number; message: RegExp }[] = [
  { name: 'a patch that is not an object', patch: [1], code: 400, message: /invalid JSON document/ },
  {
    name: 'a merging list item without its merge key',
    patch: { spec: { containers: [{ image: 'x' }] } },
    code: 400,
    message: /does not contain declared merge key: name/,
  },
  {
    name: '$patch: merge in a list',
    patch: { spec: { containers: [{ name: 'a', $patch: 'merge' }] } },
    code: 400,
    message: /merging lists cannot yet be specified/,
  },
  {
    name: 'an unknown $patch in a map',
    patch: { spec: { $patch: 'frob' } },
    code: 400,
    message: /unknown patch type: frob/,
  },
  {
    name: '$retainKeys that is not a list',
    patch: { spec: { $retainKeys: 'x' } },
    code: 400,
    message: /invalid patch format of retainKeys/,
  },
  {
    name: 'a patch key missing from $retainKeys',
    patch: { spec: { $retainKeys: ['a'], b: 1 } },
    code: 400,
    message: /invalid patch format of retainKeys/,
  },
  {
    name: '$setElementOrder that is not a list',
    patch: { spec: { '$setElementOrder/containers': {} } },
    code: 400,
    message: /setElementOrder/,
  },
  {
    name: 'a patch list out of $setElementOrder order',
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
        containers: [{ name: 'b' }, { name: 'a' }],
      },
    },
    code: 400,
    message: /doesn't match \$setElementOrder list/,
  },
  {
    name: 'lists of lists',
    patch: { metadata: { finalizers: [['a']] } },
    code: 422,
    message: /lists of lists are not supported/,
  },
];

describe('strategic merge patch', () => {
  for (const c of cases) {
    test(c.name, () =>
      assert.deepEqual(applyStrategicMergePatch(c.original, c.patch, c.original['kind'] as string), c.want),
    );
  }
  for (const f of failures) {
    test(`rejects ${f.name}`, () => {
      const original = pod({ containers: [{ name: 'a' }] }, { name: 'p', finalizers: ['x'] });
      assert.throws(
        () => applyStrategicMergePatch(original, f.patch, 'Pod'),
        (err: unknown) => err instanceof PatchError && err.code === f.code && f.message.test(err.message),
      );
    });
  }

  test('does not modify the original or the patch', () => {
    const original = pod({ containers: [{ name: 'a' }] });
    const patch = { spec: { containers: [{ name: 'a', image: 'i' }] } };
    applyStrategicMergePatch(original, patch, 'Pod');
    assert.deepEqual(original, pod({ containers: [{ name: 'a' }] }));
    assert.deepEqual(patch, { spec: { containers: [{ name: 'a', image: 'i' }] } });
  });

  test('never touches Object.prototype', () => {
    applyStrategicMergePatch(
      { data: {} },
      JSON.parse('{"data":{"__proto__":{"polluted":"yes"}}}'),
      'ConfigMap',
    );
    assert.equal((Object.prototype as Record<string, unknown>)['polluted'], undefined);
  });
});
