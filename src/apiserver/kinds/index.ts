import {
  configMapStrategy,
  eventStrategy,
  generic,
  namespaceStrategy,
  nodeStrategy,
  secretStrategy,
} from './core.js';
import { podStrategy } from './pods.js';
import { PRIORITY_CLASSES, priorityClassStrategy } from './priority-classes.js';
import { serviceStrategy } from './services.js';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy, storageClassStrategy } from './storage.js';
import type { KindStrategy } from './types.js';

/** Strategies by store key (the plural resource, group-qualified outside the core group). */
const strategies: Readonly<Record<string, KindStrategy>> = {
  pods: podStrategy,
  namespaces: namespaceStrategy,
  configmaps: configMapStrategy,
  secrets: secretStrategy,
  events: eventStrategy,
  nodes: nodeStrategy,
  serviceaccounts: generic('ServiceAccount', true),
  persistentvolumeclaims: persistentVolumeClaimStrategy,
  persistentvolumes: persistentVolumeStrategy,
  services: serviceStrategy,
  endpoints: generic('Endpoints', true),
  'storageclasses.storage.k8s.io': storageClassStrategy,
  'leases.coordination.k8s.io': generic('Lease', true),
  [PRIORITY_CLASSES]: priorityClassStrategy,
};

export function strategyFor(storageKey: string, kind: string, namespaced: boolean): KindStrategy {
  return strategies[storageKey] ?? generic(kind, namespaced);
}
