import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { containerEnv } from '../../../src/kubelet/container-env.js';
import { serviceEnvVars } from '../../../src/kubelet/service-env.js';

const service = (namespace: string, name: string, clusterIP: string, ports: ServicePort[]): Service => ({
  metadata: { namespace, name },
  spec: { clusterIP, clusterIPs: [clusterIP], ports },
});

const kubernetes = service('default', 'kubernetes', '10.86.0.1', [
  { name: 'https', port: 443, protocol: 'TCP' },
]);
const db = service('app', 'db-service', '10.86.0.40', [
  { name: 'pg', port: 5432, protocol: 'TCP' },
  { name: 'metrics', port: 9187, protocol: 'UDP' },
]);

describe('service environment variables', () => {
  test('gives the kubernetes Service the variables a kubelet gives it', () => {
    assert.deepEqual(Object.fromEntries(serviceEnvVars([kubernetes], 'app', true)), {
      KUBERNETES_SERVICE_HOST: '10.86.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.86.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.86.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.86.0.1',
    });
  });

  test('names a Service of the namespace in upper case with underscores, per port and protocol', () => {
    const env = serviceEnvVars([db], 'app', true);
    assert.equal(env.get('DB_SERVICE_SERVICE_HOST'), '10.86.0.40');
    assert.equal(env.get('DB_SERVICE_SERVICE_PORT'), '5432');
    assert.equal(env.get('DB_SERVICE_SERVICE_PORT_PG'), '5432');
    assert.equal(env.get('DB_SERVICE_SERVICE_PORT_METRICS'), '9187');
    assert.equal(env.get('DB_SERVICE_PORT'), 'tcp://10.86.0.40:5432');
    assert.equal(env.get('DB_SERVICE_PORT_9187_UDP'), 'udp://10.86.0.40:9187');
    assert.equal(env.get('DB_SERVICE_PORT_9187_UDP_PROTO'), 'udp');
  });

  test('leaves out other namespaces, headless Services, and everything but kubernetes without service links', () => {
    const headless = service('app', 'db-headless', 'None', [{ port: 5432 }]);
    const elsewhere = service('other', 'cache', '10.86.0.50', [{ port: 6379 }]);
    const names = [...serviceEnvVars([kubernetes, db, headless, elsewhere], 'app', true).keys()];
    assert.ok(names.includes('DB_SERVICE_SERVICE_HOST'));
    assert.ok(!names.some((n) => n.startsWith('DB_HEADLESS') || n.startsWith('CACHE')));
    const linksOff = [...serviceEnvVars([kubernetes, db], 'app', false).keys()];
    assert.ok(linksOff.every((n) => n.startsWith('KUBERNETES_')));
    assert.ok(linksOff.length > 0);
  });

  test('lets env refer to service variables and override them, and adds the rest after the container env', () => {
    const { env } = containerEnv({
      pod: { metadata: { namespace: 'app', name: 'p' }, spec: { containers: [] } },
      container: {
        name: 'c',
        env: [
          { name: 'DB_URL', value: 'postgres://$(DB_SERVICE_SERVICE_HOST):$(DB_SERVICE_SERVICE_PORT)' },
          { name: 'DB_SERVICE_SERVICE_PORT', value: '1' },
        ],
      },
      podIPs: ['10.85.0.9'],
      hostIP: '192.0.2.1',
      allocatable: { milliCpu: 1000n, memoryBytes: 1n << 30n, pods: 110 },
      objects: {
        configMap: () => undefined,
        secret: () => undefined,
        persistentVolumeClaim: () => undefined,
        persistentVolume: () => undefined,
        services: () => [kubernetes, db],
      },
    });
    const names = env.map((e) => e.name);
    const value = (n: string) => env.find((e) => e.name === n)?.value;
    assert.equal(value('DB_URL'), 'postgres://10.86.0.40:5432');
    assert.equal(value('DB_SERVICE_SERVICE_PORT'), '1');
    assert.equal(names.filter((n) => n === 'DB_SERVICE_SERVICE_PORT').length, 1);
    assert.deepEqual(names.slice(0, 2), ['DB_URL', 'DB_SERVICE_SERVICE_PORT']);
    assert.equal(value('KUBERNETES_SERVICE_HOST'), '10.86.0.1');
  });
});
