import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConfigMap, Container, Pod, Secret } from 'kubernetes-types/core/v1.js';
import {
  containerEnv,
  ContainerEnvError,
  readsPodIps,
  type EnvContext,
} from '../../../src/kubelet/container-env.js';

const configMaps: Record<string, ConfigMap> = { cm: { data: { a: '1' } } };
const secrets: Record<string, Secret> = { s: { data: { token: Buffer.from('t0k').toString('base64') } } };

function ctx(container: Partial<Container>): EnvContext {
  const c = { name: 'c', image: 'i', ...container };
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u' },
    spec: { nodeName: 'n', containers: [c] },
  };
  return {
    pod,
    container: c,
    podIPs: ['10.0.0.2'],
    hostIP: '192.0.2.1',
    allocatable: { milliCpu: 2000n, memoryBytes: 4n * 1024n ** 3n, pods: 110 },
    objects: {
      configMap: (_ns, name) => configMaps[name],
      secret: (_ns, name) => secrets[name],
      persistentVolumeClaim: () => undefined,
      persistentVolume: () => undefined,
      services: () => [],
    },
  };
}

const env = (c: Partial<Container>) =>
  Object.fromEntries(containerEnv(ctx(c)).env.map((e) => [e.name, e.value]));

describe('container environment', () => {
  test('an unset limit is the node allocatable; values round up by the divisor', () => {
    assert.deepEqual(
      env({
        env: [
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Gi' } } },
          { name: 'REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        ],
        resources: { requests: { cpu: '1500m' } },
      }),
      { CPU: '2', MEM: '4', REQ: '1500' },
    );
  });

  test('a later env entry sees earlier ones and envFrom; $$ escapes', () => {
    assert.deepEqual(
      env({
        envFrom: [{ secretRef: { name: 's' } }],
        env: [
          { name: 'A', value: 'x' },
          { name: 'B', value: '$(A)-$(token)-$$(A)-$(NOPE)' },
        ],
      }),
      { token: 't0k', A: 'x', B: 'x-t0k-$(A)-$(NOPE)' },
    );
  });

  test("a missing key, ConfigMap or Secret is the kubelet's error unless optional", () => {
    const keyRef = (name: string, key: string, optional?: boolean) => ({
      env: [{ name: 'V', valueFrom: { configMapKeyRef: { name, key, ...(optional ? { optional } : {}) } } }],
    });
    assert.throws(
      () => env(keyRef('cm', 'b')),
      new ContainerEnvError("couldn't find key b in ConfigMap ns/cm"),
    );
    assert.throws(() => env(keyRef('gone', 'b')), new ContainerEnvError('configmap "gone" not found'));
    assert.deepEqual(env(keyRef('gone', 'b', true)), {});
    assert.throws(
      () => env({ env: [{ name: 'V', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }),
      new ContainerEnvError('secret "nope" not found'),
    );
  });
});

describe('readsPodIps', () => {
  const fieldRef = (fieldPath: string) => ({ name: 'V', valueFrom: { fieldRef: { fieldPath } } });
  const container = (env: Container['env']): Container => ({
    name: 'c',
    image: 'i',
    ...(env ? { env } : {}),
  });

  test('is true for status.podIP and status.podIPs only', () => {
    assert.equal(readsPodIps(container([fieldRef('status.podIP')])), true);
    assert.equal(readsPodIps(container([{ name: 'A', value: 'x' }, fieldRef('status.podIPs')])), true);
    for (const path of ['status.hostIP', 'metadata.name', 'spec.nodeName'])
      assert.equal(readsPodIps(container([fieldRef(path)])), false, path);
    assert.equal(readsPodIps(container([{ name: 'IP', value: '$(POD_IP)' }])), false);
    assert.equal(readsPodIps(container(undefined)), false);
  });
});
