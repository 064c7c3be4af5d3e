import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../../../src/api/object.js';
import { ServiceIPRange } from '../../../src/api/service-ip-range.js';
import { strategyFor } from '../../../src/apiserver/kinds/index.js';
import { ensureInitialNamespaces } from '../../../src/apiserver/namespace-controller.js';
import { findResource } from '../../../src/apiserver/resources.js';
import {
  createObject,
  deleteObject,
  updateObject,
  type RestContext,
  type Target,
} from '../../../src/apiserver/rest.js';
import { ApiError } from '../../../src/apiserver/status.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

const options = { dryRun: false, fieldValidation: 'Strict' as const };
const CIDR = '10.86.0.0/24';

function target(name = ''): Target {
  const def = findResource('', 'v1', 'services')!;
  return { def, strategy: strategyFor(def.storageKey, def.kind, true), namespace: 'default', name };
}

function service(name: string, spec: Service['spec'] = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  };
}

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError) return err.status.message ?? '';
    throw err;
  }
  assert.fail('expected an API error');
};

describe('the Service strategy', () => {
  let temp: TempStore;
  let ctx: RestContext;
  const create = (o: KubeObject) => createObject(ctx, target(), o, options).object as StoredObject & Service;
  beforeEach(() => {
    temp = openTempStore();
    ensureInitialNamespaces(temp.store);
    ctx = { store: temp.store, nodeName: 'node1', user: 'admin', now: new Date(), serviceCidr: CIDR };
  });
  afterEach(() => temp.dispose());

  test('defaults a new Service and gives it a cluster IP from the range', () => {
    const svc = create(service('web'));
    const spec = svc.spec!;
    assert.equal(spec.type, 'ClusterIP');
    assert.equal(spec.sessionAffinity, 'None');
    assert.equal(spec.internalTrafficPolicy, 'Cluster');
    assert.deepEqual(spec.ipFamilies, ['IPv4']);
    assert.equal(spec.ipFamilyPolicy, 'SingleStack');
    assert.deepEqual(spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
    assert.notEqual(ServiceIPRange.parse(CIDR).offsetOf(spec.clusterIP ?? ''), undefined);
    assert.deepEqual(svc.status, { loadBalancer: {} });
  });

  test('never gives two Services the same cluster IP', () => {
    const ips = new Set(Array.from({ length: 40 }, (_, i) => create(service(`s${i}`)).spec?.clusterIP));
    assert.equal(ips.size, 40);
  });

  test('keeps a headless Service without a cluster IP', () => {
    const spec = create(service('db', { clusterIP: 'None' })).spec!;
    assert.deepEqual(spec.clusterIPs, ['None']);
    assert.deepEqual(spec.ipFamilies, ['IPv4']);
  });

  test('refuses a requested cluster IP outside the range with the allocator text', () => {
    const message = messageOf(() => create(service('out', { clusterIP: '10.1.2.3' })));
    assert.equal(
      message,
      'Service "out" is invalid: spec.clusterIPs: Invalid value: ["10.1.2.3"]: failed to allocate IP 10.1.2.3: ' +
        'the provided IP (10.1.2.3) is not in the valid range. The range of valid IPs is 10.86.0.0/24',
    );
  });

  test('refuses a cluster IP another Service holds, and frees it when that Service is deleted', () => {
    create(service('a', { clusterIP: '10.86.0.20' }));
    assert.match(
      messageOf(() => create(service('b', { clusterIP: '10.86.0.20' }))),
      /provided IP is already allocated/,
    );
    deleteObject(ctx, target('a'), {}, false);
    assert.equal(create(service('b', { clusterIP: '10.86.0.20' })).spec?.clusterIP, '10.86.0.20');
  });

  test('gives NodePort Services node ports and refuses a taken or out-of-range one', () => {
    const first = create(service('np', { type: 'NodePort' })).spec!;
    const nodePort = first.ports?.[0]?.nodePort ?? 0;
    assert.ok(nodePort >= 30000 && nodePort <= 32767);
    assert.equal(first.externalTrafficPolicy, 'Cluster');
    assert.equal(
      messageOf(() => create(service('np2', { type: 'NodePort', ports: [{ port: 80, nodePort }] }))),
      `Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: ${nodePort}: provided port is already allocated`,
    );
    assert.equal(
      messageOf(() => create(service('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: 29999 }] }))),
      'Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  test('keeps the cluster IP and node port on an update that leaves them out', () => {
    const created = create(service('keep', { type: 'NodePort' }));
    const updated = updateObject(ctx, target('keep'), service('keep', { type: 'NodePort' }), created, {
      ...options,
      subresource: '',
    }).object as Service;
    assert.equal(updated.spec?.clusterIP, created.spec?.clusterIP);
    assert.equal(updated.spec?.ports?.[0]?.nodePort, created.spec?.ports?.[0]?.nodePort);
  });

  test('refuses a change of cluster IP as an immutable field', () => {
    const created = create(service('imm', { clusterIP: '10.86.0.30' }));
    const changed = service('imm', { clusterIP: '10.86.0.31', clusterIPs: ['10.86.0.30'] });
    assert.equal(
      messageOf(() => updateObject(ctx, target('imm'), changed, created, { ...options, subresource: '' })),
      'Service "imm" is invalid: spec.clusterIPs[0]: Invalid value: ["10.86.0.31"]: field is immutable',
    );
  });

  test('refuses two unnamed ports as validation does', () => {
    const two = service('two', { ports: [{ port: 80 }, { port: 81 }] });
    assert.equal(
      messageOf(() => create(two)),
      'Service "two" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]',
    );
  });
});
