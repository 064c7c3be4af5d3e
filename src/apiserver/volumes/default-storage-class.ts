// The class a new cluster has: `local`, podlet's built-in provisioner, marked default so that a claim without a
// class gets it (the DefaultStorageClass admission), as kind and minikube ship `standard`.
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../../api/object.js';
import { DEFAULT_CLASS_ANNOTATION } from '../../api/volume-binding.js';
import type { ObjectStore } from '../../store/object-store.js';
import { fillCreateMeta } from '../object-meta.js';
import { CLASSES } from './binder.js';
import { LOCAL_PROVISIONER } from './local-provisioner.js';

export const LOCAL_STORAGE_CLASS = 'local';

/**
 * Creates `local` when the cluster has no StorageClass at all (its first start). A cluster whose admin deleted or
 * replaced it keeps that choice across restarts: re-creating it would add a second, newer default that wins.
 */
export function ensureDefaultStorageClass(store: ObjectStore, now = new Date()): void {
  if (store.list(CLASSES, undefined).items.length > 0) return;
  // Immediate: one node has no topology to wait for, and a claim is Bound as soon as it is made.
  const sc: StorageClass & KubeObject = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: LOCAL_STORAGE_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: LOCAL_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
  fillCreateMeta(sc, now);
  store.create(CLASSES, sc);
}
