import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { proxiedServicePorts } from '../../../src/proxy/service-ports.js';

function svc(name: string, spec: NonNullable<Service['spec']>): Service {
  return { metadata: { name, namespace: 'ns1' }, spec };
}

function slice(service: string, s: Partial<EndpointSlice> = {}): EndpointSlice {
  return {
    metadata: { name: `${service}-x1`, namespace: 'ns1', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [],
    ...s,
  };
}

const web = svc('web', { clusterIP: '10.86.0.10', ports: [{ name: 'http', port: 80, targetPort: 8080 }] });

describe('proxiedServicePorts', () => {
  test('names a port namespace/name/protocol/portName and keeps only ready endpoints, sorted', () => {
    const ports = proxiedServicePorts(
      [web],
      [
        slice('web', {
          endpoints: [
            { addresses: ['10.85.0.10'], conditions: { ready: true } },
            { addresses: ['10.85.0.9'] },
            { addresses: ['10.85.0.11'], conditions: { ready: false } },
          ],
        }),
      ],
    );
    assert.deepEqual(ports, [
      {
        name: 'ns1/web/tcp/http',
        clusterIP: '10.86.0.10',
        protocol: 'tcp',
        port: 80,
        endpoints: [
          { ip: '10.85.0.9', port: 8080 },
          { ip: '10.85.0.10', port: 8080 },
        ],
      },
    ]);
  });

  test('falls back to serving terminating endpoints when none is ready', () => {
    const [port] = proxiedServicePorts(
      [web],
      [
        slice('web', {
          endpoints: [
            { addresses: ['10.85.0.2'], conditions: { ready: false, serving: true, terminating: true } },
            { addresses: ['10.85.0.3'], conditions: { ready: false, serving: false, terminating: true } },
          ],
        }),
      ],
    );
    assert.deepEqual(port?.endpoints, [{ ip: '10.85.0.2', port: 8080 }]);
  });

  test('merges the slices of one service and ignores other services, other namespaces and IPv6 slices', () => {
    const ready = (ip: string): EndpointSlice['endpoints'][number] => ({ addresses: [ip] });
    const [port] = proxiedServicePorts(
      [web],
      [
        slice('web', { endpoints: [ready('10.85.0.2')] }),
        { ...slice('web', { endpoints: [ready('10.85.0.3'), ready('10.85.0.2')] }), metadata: { name: 'web-x2', namespace: 'ns1', labels: { 'kubernetes.io/service-name': 'web' } } },
        slice('other', { endpoints: [ready('10.85.0.4')] }),
        { ...slice('web', { endpoints: [ready('10.85.0.5')] }), metadata: { name: 'web-x3', namespace: 'ns2', labels: { 'kubernetes.io/service-name': 'web' } } },
        slice('web', { addressType: 'IPv6', endpoints: [ready('fd00::5')] }),
      ],
    ); // prettier-ignore
    assert.deepEqual(port?.endpoints, [
      { ip: '10.85.0.2', port: 8080 },
      { ip: '10.85.0.3', port: 8080 },
    ]);
  });

  test('leaves out endpoints whose slice lacks the port name or protocol', () => {
    const udp = svc('dns', { clusterIP: '10.86.0.11', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
    const [port] = proxiedServicePorts(
      [udp],
      [slice('dns', { ports: [{ name: 'dns', port: 53, protocol: 'TCP' }], endpoints: [{ addresses: ['10.85.0.2'] }] })],
    ); // prettier-ignore
    assert.equal(port?.protocol, 'udp');
    assert.deepEqual(port?.endpoints, []);
  });

  test('skips headless, ExternalName and unallocated services', () => {
    const ports = proxiedServicePorts(
      [
        svc('headless', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80 }] }),
        svc('ext', { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] }),
        svc('pending', { ports: [{ port: 80 }] }),
      ],
      [],
    );
    assert.deepEqual(ports, []);
  });

  test('carries NodePorts of NodePort services and ClientIP affinity with its default timeout', () => {
    const ports = proxiedServicePorts(
      [
        svc('np', { type: 'NodePort', clusterIP: '10.86.0.12', sessionAffinity: 'ClientIP', ports: [{ port: 80, nodePort: 30080 }] }),
        svc('short', { clusterIP: '10.86.0.13', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 80, nodePort: 30081 }] }),
      ],
      [],
    ); // prettier-ignore
    assert.deepEqual(
      ports.map((p) => [p.name, p.nodePort, p.affinitySeconds]),
      [
        ['ns1/np/tcp/', 30080, 10800],
        ['ns1/short/tcp/', undefined, 60],
      ],
    );
  });
});
