import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../../src/api/object.js';
import { fillCreateMeta } from '../../../src/apiserver/object-meta.js';
import {
  EndpointsController,
  ENDPOINT_SLICES,
} from '../../../src/controllers/endpoints/endpoints-controller.js';
import { silentLogger } from '../../../src/util/log.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

function object(o: KubeObject): KubeObject {
  fillCreateMeta(o, new Date());
  return o;
}

const service = (): KubeObject =>
  object({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: 'default', name: 'web' },
    spec: {
      selector: { app: 'web' },
      clusterIP: '10.86.0.10',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }],
    },
  });

function pod(name: string, ready: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: 'default', name, uid: `${name}-uid`, labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: {
      phase: 'Running',
      podIP: `10.85.0.${name.length + 1}`,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

/** Waits (with a deadline) until the controller's deferred sync has run and the check holds. */
async function eventually(check: () => void, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

describe('the endpoints controller', () => {
  let temp: TempStore;
  let controller: EndpointsController;
  const slices = () =>
    temp.store.list(ENDPOINT_SLICES, 'default').items as unknown as (EndpointSlice & KubeObject)[];
  const endpoints = () =>
    temp.store.get('endpoints', 'default', 'web') as (Endpoints & KubeObject) | undefined;

  beforeEach(() => {
    temp = openTempStore();
    controller = new EndpointsController({ store: temp.store, logger: silentLogger });
    controller.start();
  });
  afterEach(() => {
    controller.stop();
    temp.dispose();
  });

  test('writes a slice and Endpoints that follow pod readiness both ways', async () => {
    temp.store.create('pods', pod('a', true));
    temp.store.create('services', service());
    await eventually(() => {
      assert.equal(slices()[0]?.endpoints[0]?.conditions?.ready, true);
      assert.equal(endpoints()?.subsets?.[0]?.addresses?.[0]?.ip, '10.85.0.2');
    });
    const [slice] = slices();
    assert.match(slice?.metadata?.name ?? '', /^web-[a-z0-9]{5}$/);
    assert.equal(
      slice?.metadata?.ownerReferences?.[0]?.uid,
      temp.store.get('services', 'default', 'web')?.metadata.uid,
    );

    temp.store.update('pods', pod('a', false));
    await eventually(() => {
      assert.equal(slices()[0]?.endpoints[0]?.conditions?.ready, false);
      assert.equal(endpoints()?.subsets?.[0]?.notReadyAddresses?.[0]?.ip, '10.85.0.2');
    });
    assert.equal(slices()[0]?.metadata?.name, slice?.metadata?.name);

    temp.store.update('pods', pod('a', true));
    await eventually(() => assert.equal(slices()[0]?.endpoints[0]?.conditions?.ready, true));
  });

  test('does not write again when nothing changed', async () => {
    temp.store.create('services', service());
    temp.store.create('pods', pod('a', true));
    await eventually(() => assert.equal(slices()[0]?.endpoints.length, 1));
    const versions = () => [slices()[0]?.metadata?.resourceVersion, endpoints()?.metadata?.resourceVersion];
    const before = versions();
    // A pod change that does not touch endpoints (a label the selector ignores).
    const labelled = pod('a', true);
    labelled.metadata = { ...labelled.metadata, labels: { app: 'web', extra: 'x' } };
    temp.store.update('pods', labelled);
    await new Promise((resolve) => setImmediate(resolve));
    controller.flush();
    assert.deepEqual(versions(), before);
  });

  test('removes the slices and Endpoints of a deleted Service', async () => {
    temp.store.create('services', service());
    await eventually(() => assert.equal(slices().length, 1));
    temp.store.delete('services', 'default', 'web');
    await eventually(() => {
      assert.equal(slices().length, 0);
      assert.equal(endpoints(), undefined);
    });
  });

  test('puts back a managed slice that was deleted by hand', async () => {
    temp.store.create('services', service());
    temp.store.create('pods', pod('a', true));
    await eventually(() => assert.equal(slices().length, 1));
    temp.store.delete(ENDPOINT_SLICES, 'default', slices()[0]?.metadata?.name ?? '');
    await eventually(() => assert.equal(slices()[0]?.endpoints.length, 1));
  });
});
