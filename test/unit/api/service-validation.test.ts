import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import { fieldErrorMessage } from '../../../src/api/errors.js';
import { defaultService, normalizeClusterIPs } from '../../../src/api/service-defaults.js';
import { validateService, validateServiceUpdate } from '../../../src/api/service-validation.js';

/** A Service as storage would see it: defaulted, clusterIPs in step, families settled. */
function svc(spec: Service['spec'], name = 'web'): Service {
  const s: Service = {
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: 'web' }, ...spec },
  };
  defaultService(s);
  normalizeClusterIPs(s);
  return s;
}

const messages = (s: Service) => validateService(s).map(fieldErrorMessage);

describe('Service validation', () => {
  test('accepts a defaulted ClusterIP Service', () => {
    assert.deepEqual(messages(svc({ ports: [{ port: 80 }] })), []);
  });

  test('requires ports, except on a headless or ExternalName Service', () => {
    assert.deepEqual(messages(svc({})), ['spec.ports: Required value']);
    assert.deepEqual(messages(svc({ clusterIP: 'None' })), []);
    assert.deepEqual(messages(svc({ type: 'ExternalName', externalName: 'db.example.com' })), []);
  });

  test('requires names on several ports and refuses repeated names and ports', () => {
    const s = svc({
      ports: [{ name: 'http', port: 80 }, { name: 'http', port: 80 }, { port: 81 }],
    });
    assert.deepEqual(messages(s), [
      'spec.ports[1].name: Duplicate value: "http"',
      'spec.ports[2].name: Required value',
      'spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}',
    ]);
  });

  test('checks port numbers, protocols and named target ports', () => {
    const s = svc({ ports: [{ port: 0, protocol: 'ICMP', targetPort: 'Web_Port' }] });
    assert.deepEqual(messages(s), [
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[0].targetPort: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ]);
  });

  test('defaults ClientIP affinity to three hours and bounds its timeout', () => {
    const s = svc({ ports: [{ port: 80 }], sessionAffinity: 'ClientIP' });
    assert.equal(s.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds, 10800);
    const long = svc({
      ports: [{ port: 80 }],
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } },
    });
    assert.deepEqual(messages(long), [
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
    ]);
  });

  test('refuses a node port on a ClusterIP Service and an unknown type', () => {
    assert.deepEqual(messages(svc({ ports: [{ port: 80, nodePort: 30001 }] })), [
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    assert.deepEqual(messages(svc({ type: 'Magic', ports: [{ port: 80 }] })).slice(0, 1), [
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
  });

  test('refuses a malformed cluster IP and a name that is not a DNS-1035 label', () => {
    assert.deepEqual(messages(svc({ ports: [{ port: 80 }], clusterIP: '10.86.0.999' })), [
      'spec.clusterIPs[0]: Invalid value: "10.86.0.999": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
    assert.match(
      messages(svc({ ports: [{ port: 80 }] }, '1web'))[0] ?? '',
      /^metadata.name: Invalid value: "1web": a DNS-1035 label/,
    );
  });

  test('treats the primary cluster IP as immutable on update', () => {
    const old = svc({ ports: [{ port: 80 }], clusterIP: '10.86.0.5' });
    const next = svc({ ports: [{ port: 80 }], clusterIP: '10.86.0.6' });
    assert.deepEqual(validateServiceUpdate(next, old).map(fieldErrorMessage), [
      'spec.clusterIPs[0]: Invalid value: ["10.86.0.6"]: field is immutable',
    ]);
  });
});
