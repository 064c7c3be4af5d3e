import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { configMapPayload } from '../../../src/volume/configmap.js';
import { downwardApiPayload, formatMap } from '../../../src/volume/downward-api.js';
import { projectedPayload } from '../../../src/volume/projected.js';
import { secretPayload } from '../../../src/volume/secret.js';

const text = (p: Map<string, { data: Buffer; mode: number }>) =>
  Object.fromEntries([...p].map(([k, v]) => [k, [v.data.toString('utf8'), v.mode.toString(8)]]));

const allocatable = { milliCpu: 2000n, memoryBytes: 4n << 30n };

describe('configMap and secret payloads', () => {
  const cm = {
    metadata: { name: 'cfg' },
    data: { a: 'A', b: 'B' },
    binaryData: { bin: Buffer.from('xyz').toString('base64') },
  };

  test('projects every key with the default mode 0644 when no items are listed', () => {
    assert.deepEqual(text(configMapPayload({ name: 'cfg' }, cm)), {
      a: ['A', '644'],
      b: ['B', '644'],
      bin: ['xyz', '644'],
    });
  });

  test('projects only the listed items, at their paths and modes', () => {
    const source = {
      name: 'cfg',
      defaultMode: 0o600,
      items: [
        { key: 'a', path: 'dir/a.txt', mode: 0o400 },
        { key: 'b', path: 'b' },
      ],
    };
    assert.deepEqual(text(configMapPayload(source, cm)), { 'dir/a.txt': ['A', '400'], b: ['B', '600'] });
  });

  test('a missing ConfigMap or key fails unless optional, with the kubelet messages', () => {
    assert.throws(() => configMapPayload({ name: 'nope' }, undefined), {
      message: 'configmap "nope" not found',
    });
    assert.deepEqual(text(configMapPayload({ name: 'nope', optional: true }, undefined)), {});
    const items = [{ key: 'zz', path: 'zz' }];
    assert.throws(() => configMapPayload({ name: 'cfg', items }, cm), {
      message: 'configmap references non-existent config key: zz',
    });
    assert.deepEqual(text(configMapPayload({ name: 'cfg', items, optional: true }, cm)), {});
    assert.throws(() => secretPayload({ secretName: 's', items }, { metadata: {}, data: {} }), {
      message: 'secret references non-existent secret key: zz',
    });
  });

  test('a secret volume decodes data and defaults to mode 0644', () => {
    const secret = { metadata: { name: 's' }, data: { pw: Buffer.from('s3cret').toString('base64') } };
    assert.deepEqual(text(secretPayload({ secretName: 's' }, secret)), { pw: ['s3cret', '644'] });
    assert.throws(() => secretPayload({ secretName: 's' }, undefined), { message: 'secret "s" not found' });
  });
});

describe('downwardAPI payloads', () => {
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { b: '2', a: 'x"y' }, annotations: {} },
    spec: {
      containers: [
        { name: 'c', resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m', memory: '64Mi' } } },
      ],
    },
  };

  test('writes metadata fields, whole maps as sorted key="value" lines without a trailing newline', () => {
    const items = [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'one', fieldRef: { fieldPath: "metadata.labels['b']" } },
      { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' }, mode: 0o400 },
    ];
    assert.deepEqual(text(downwardApiPayload(pod, items, undefined, allocatable)), {
      labels: ['a="x\\"y"\nb="2"', '644'],
      name: ['p', '644'],
      one: ['2', '644'],
      annotations: ['', '400'],
    });
  });

  test('divides resources by the divisor rounding up, and an unset limit is the node allocatable', () => {
    const items = [
      { path: 'cpu-req', resourceFieldRef: { containerName: 'c', resource: 'requests.cpu', divisor: '1m' } },
      { path: 'cpu-req-cores', resourceFieldRef: { containerName: 'c', resource: 'requests.cpu' } },
      { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
      { path: 'cpu-limit', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } },
    ];
    assert.deepEqual(text(downwardApiPayload(pod, items, 0o444, allocatable)), {
      'cpu-req': ['250', '444'],
      'cpu-req-cores': ['1', '444'],
      mem: ['64', '444'],
      'cpu-limit': ['2000', '444'],
    });
  });

  test('quotes values as Go does, and an empty map is an empty file', () => {
    assert.equal(formatMap({ k: 'a\tb\\c\u0001é' }), 'k="a\\tb\\\\c\\x01é"');
    assert.equal(formatMap({}), '');
  });
});

describe('projected payloads', () => {
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', labels: { app: 'x' } },
    spec: { containers: [] },
  };
  const objects = {
    configMap: (name: string) => (name === 'cfg' ? { metadata: { name }, data: { k: 'v' } } : undefined),
    secret: (name: string) =>
      name === 's' ? { metadata: { name }, data: { pw: Buffer.from('p').toString('base64') } } : undefined,
  };

  test('merges configMap, secret and downwardAPI sources under one defaultMode', () => {
    const source = {
      defaultMode: 0o440,
      sources: [
        { configMap: { name: 'cfg' } },
        { secret: { name: 's', items: [{ key: 'pw', path: 'creds/pw', mode: 0o400 }] } },
        { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { configMap: { name: 'absent', optional: true } },
      ],
    };
    assert.deepEqual(text(projectedPayload(pod, source, objects, allocatable)), {
      k: ['v', '440'],
      'creds/pw': ['p', '400'],
      labels: ['app="x"', '440'],
    });
  });

  test('reports every failing source at once', () => {
    const source = { sources: [{ configMap: { name: 'a' } }, { secret: { name: 'b' } }] };
    assert.throws(() => projectedPayload(pod, source, objects, allocatable), {
      message: '[configmap "a" not found, secret "b" not found]',
    });
  });
});
