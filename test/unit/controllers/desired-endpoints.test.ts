import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { desiredEndpoints } from '../../../src/controllers/endpoints/desired-endpoints.js';
import { desiredSlices } from '../../../src/controllers/endpoints/desired-slices.js';

const web: Service = {
  metadata: { namespace: 'default', name: 'web', uid: 'svc-uid', labels: { tier: 'front' } },
  spec: {
    selector: { app: 'web' },
    clusterIP: '10.86.0.10',
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
      { name: 'admin', port: 9000, protocol: 'TCP', targetPort: 9000 },
    ],
  },
};

function pod(
  name: string,
  ip: string,
  ready: boolean,
  containerPorts = [{ name: 'http', containerPort: 8080 }],
): Pod {
  return {
    metadata: { namespace: 'default', name, uid: `${name}-uid`, labels: { app: 'web' } },
    spec: { nodeName: 'node1', containers: [{ name: 'c', image: 'busybox', ports: containerPorts }] },
    status: {
      phase: 'Running',
      podIP: ip,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

describe('desired EndpointSlices', () => {
  test('list ready and unready pods with their conditions, target refs and resolved ports', () => {
    const [slice, ...rest] = desiredSlices(web, [pod('b', '10.85.0.3', false), pod('a', '10.85.0.2', true)]);
    assert.equal(rest.length, 0);
    assert.deepEqual(slice?.labels, {
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    assert.deepEqual(slice?.ports, [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'admin', port: 9000, protocol: 'TCP' },
    ]);
    assert.deepEqual(slice?.endpoints, [
      {
        addresses: ['10.85.0.2'],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'a-uid' },
        nodeName: 'node1',
      },
      {
        addresses: ['10.85.0.3'],
        conditions: { ready: false, serving: false, terminating: false },
        targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'b-uid' },
        nodeName: 'node1',
      },
    ]);
  });

  test('put a pod that declares no port of that name in a slice without that port', () => {
    const slices = desiredSlices(web, [pod('a', '10.85.0.2', true), pod('c', '10.85.0.4', true, [])]);
    assert.equal(slices.length, 2);
    const withoutHttp = slices.find((s) => s.endpoints[0]?.targetRef?.name === 'c');
    assert.deepEqual(withoutHttp?.ports, [{ name: 'admin', port: 9000, protocol: 'TCP' }]);
  });

  test('keep one empty placeholder slice when nothing is selected, and leave out finished pods', () => {
    const running = pod('d', '10.85.0.5', false);
    const done: Pod = { ...running, status: { ...running.status, phase: 'Succeeded' } };
    assert.deepEqual(
      desiredSlices(web, [done]).map((s) => [s.endpoints, s.ports]),
      [[[], undefined]],
    );
  });

  test('mark a terminating pod not ready but keep it, with the headless label for a headless Service', () => {
    const leaving = pod('a', '10.85.0.2', true);
    leaving.metadata = { ...leaving.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' };
    const headless = { ...web, spec: { ...web.spec, clusterIP: 'None' } };
    const [slice] = desiredSlices(headless, [leaving]);
    assert.deepEqual(slice?.endpoints[0]?.conditions, { ready: false, serving: true, terminating: true });
    assert.equal(slice?.labels['service.kubernetes.io/headless'], '');
  });
});

describe('desired Endpoints', () => {
  test('group addresses by the ports they offer, unready ones in notReadyAddresses', () => {
    const { subsets, labels } = desiredEndpoints(web, [
      pod('a', '10.85.0.2', true),
      pod('b', '10.85.0.3', false),
      pod('c', '10.85.0.4', true, []),
    ]);
    assert.deepEqual(labels, { tier: 'front' });
    const ref = (n: string) => ({ kind: 'Pod', namespace: 'default', name: n, uid: `${n}-uid` });
    const address = (n: string, ip: string) => ({ ip, nodeName: 'node1', targetRef: ref(n) });
    assert.deepEqual(
      new Set(subsets.map((s) => JSON.stringify(s))),
      new Set([
        JSON.stringify({
          addresses: [address('a', '10.85.0.2')],
          notReadyAddresses: [address('b', '10.85.0.3')],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        }),
        JSON.stringify({
          addresses: [address('a', '10.85.0.2'), address('c', '10.85.0.4')],
          notReadyAddresses: [address('b', '10.85.0.3')],
          ports: [{ name: 'admin', port: 9000, protocol: 'TCP' }],
        }),
      ]),
    );
  });

  test('leave out a terminating pod unless the Service publishes unready addresses', () => {
    const leaving = pod('a', '10.85.0.2', true);
    leaving.metadata = { ...leaving.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' };
    assert.deepEqual(desiredEndpoints(web, [leaving]).subsets, []);
    const publish = { ...web, spec: { ...web.spec, publishNotReadyAddresses: true } };
    assert.equal(desiredEndpoints(publish, [leaving]).subsets.length, 1);
  });
});
