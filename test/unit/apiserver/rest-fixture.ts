// What the REST verb tests share: a Target for a resource, and a store holding what admission expects to find
// (the initial namespaces and the default ServiceAccount the namespace controller makes).
import assert from 'node:assert/strict';
import { strategyFor } from '../../../src/apiserver/kinds/index.js';
import { ensureInitialNamespaces } from '../../../src/apiserver/namespace-controller.js';
import { findResource } from '../../../src/apiserver/resources.js';
import type { RestContext, Target } from '../../../src/apiserver/rest.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

export function restTarget(resource: string, namespace: string, name: string, group = ''): Target {
  const def = findResource(group, 'v1', resource);
  assert.ok(def, `no resource ${group}/v1 ${resource}`);
  return { def, strategy: strategyFor(def.storageKey, def.kind, def.namespaced), namespace, name };
}

export function openRestStore(now: Date): { temp: TempStore; ctx: RestContext } {
  const temp = openTempStore();
  ensureInitialNamespaces(temp.store);
  // ServiceAccount admission refuses pods without it.
  temp.store.create('serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace: 'default', uid: 'sa-uid' },
  });
  return { temp, ctx: { store: temp.store, nodeName: 'node1', user: 'admin', now } };
}
