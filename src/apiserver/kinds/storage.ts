// PersistentVolumeClaims, PersistentVolumes and StorageClasses as their registry strategies have them
// (pkg/registry/core/persistentvolumeclaim/strategy.go, pkg/registry/core/persistentvolume/strategy.go,
// pkg/registry/storage/storageclass/strategy.go), with the v1 defaults kube-apiserver applies to every write
// (pkg/apis/core/v1/defaults.go, pkg/apis/storage/v1/defaults.go) and the warnings of
// pkg/api/persistentvolume/util.go and pkg/api/persistentvolumeclaim/util.go.
import type {
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeClaimSpec,
} from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { KubeObject, StoredObject } from '../../api/object.js';
import { formatQuantity, parseQuantityValue, quantityToNanos } from '../../api/quantity.js';
import { quantityFormatError } from '../../api/quantity-format.js';
import { validateStorageClass, validateStorageClassUpdate } from '../../api/storage-class-validation.js';
import {
  BETA_STORAGE_CLASS_ANNOTATION,
  validateClaimSpec,
  validateClaimUpdate,
  validateVolume,
  validateVolumeUpdate,
} from '../../api/storage-validation.js';
import { kubeTime } from '../../api/time.js';
import { claimHasClass, defaultClassName } from '../../api/volume-binding.js';
import { metaErrors } from './core.js';
import type { KindStrategy } from './types.js';

const STORAGE_CLASSES = 'storageclasses.storage.k8s.io';
const storageClassWarning =
  `metadata.annotations[${BETA_STORAGE_CLASS_ANNOTATION}]: ` +
  'deprecated since v1.8; use "storageClassName" attribute instead';
const recycleWarning =
  'spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. ' +
  'Instead, the recommended approach is to use dynamic provisioning.';

export const persistentVolumeClaimStrategy: KindStrategy = {
  kind: 'PersistentVolumeClaim',
  prepareForCreate(object, ctx) {
    defaultClaim(object as PersistentVolumeClaim);
    admitDefaultStorageClass(object as PersistentVolumeClaim, ctx.list?.(STORAGE_CLASSES) ?? []);
    // The status is the binder's; phase Pending is what defaulting gives the empty status on the way out.
    object.status = { phase: 'Pending' };
  },
  validate: (object) => [
    ...metaErrors(object.metadata, true),
    ...validateClaimSpec((object as PersistentVolumeClaim).spec),
  ],
  warnings: (object) =>
    annotationWarnings(object).concat(storageRequestWarnings((object as PersistentVolumeClaim).spec)),
  prepareForUpdate(object, old) {
    defaultClaim(object as PersistentVolumeClaim);
    object.status = old.status;
  },
  validateUpdate: (object, old) => [
    ...metaErrors(object.metadata, true),
    ...validateClaimUpdate(object as PersistentVolumeClaim, old as PersistentVolumeClaim),
  ],
  fieldValue: nameField,
};

export const persistentVolumeStrategy: KindStrategy = {
  kind: 'PersistentVolume',
  prepareForCreate(object, ctx) {
    defaultVolume(object as PersistentVolume);
    // PersistentVolumeLastPhaseTransitionTime (GA in 1.31): a new volume starts Pending, stamped now.
    object.status = { phase: 'Pending', lastPhaseTransitionTime: kubeTime(ctx.now) };
  },
  validate: (object) => [
    ...metaErrors(object.metadata, false),
    ...validateVolume(object as PersistentVolume),
  ],
  warnings: (object) => annotationWarnings(object).concat(volumeWarnings(object as PersistentVolume)),
  prepareForUpdate(object, old) {
    defaultVolume(object as PersistentVolume);
    object.status = old.status;
  },
  validateUpdate: (object, old) => [
    ...metaErrors(object.metadata, false),
    ...validateVolumeUpdate(object as PersistentVolume, old as PersistentVolume),
  ],
  fieldValue: nameField,
};

export const storageClassStrategy: KindStrategy = {
  kind: 'StorageClass',
  prepareForCreate: (object) => defaultStorageClass(object as unknown as StorageClass),
  validate: (object) => [
    ...metaErrors(object.metadata, false),
    ...validateStorageClass(object as unknown as StorageClass),
  ],
  prepareForUpdate: (object) => defaultStorageClass(object as unknown as StorageClass),
  validateUpdate: (object, old) => [
    ...metaErrors(object.metadata, false),
    ...validateStorageClassUpdate(object as unknown as StorageClass, old as unknown as StorageClass),
  ],
};

/**
 * SetDefaults_PersistentVolumeClaimSpec, and what the strategy drops and normalises:
 * pvcutil.DropDisabledFields (VolumeAttributesClass is off in 1.33) and NormalizeDataSources (dataSource and
 * dataSourceRef mirror each other).
 */
function defaultClaim(claim: PersistentVolumeClaim): void {
  const spec: PersistentVolumeClaimSpec = (claim.spec ??= {});
  spec.volumeMode ??= 'Filesystem';
  delete spec.volumeAttributesClassName;
  if (spec.dataSource && !spec.dataSourceRef) spec.dataSourceRef = { ...spec.dataSource };
  else if (spec.dataSourceRef && !spec.dataSource && !spec.dataSourceRef.namespace) {
    const { apiGroup, kind, name } = spec.dataSourceRef;
    spec.dataSource = { ...(apiGroup !== undefined ? { apiGroup } : {}), kind, name };
  }
}

/**
 * The DefaultStorageClass admission plugin (plugin/pkg/admission/storage/storageclass/setdefault): a claim that
 * names no class, not even "", gets the default class, if the cluster has one.
 */
function admitDefaultStorageClass(claim: PersistentVolumeClaim, classes: readonly KubeObject[]): void {
  if (claimHasClass(claim)) return;
  const name = defaultClassName(classes as unknown as StorageClass[]);
  if (name !== undefined) (claim.spec ??= {}).storageClassName = name;
}

/** SetDefaults_PersistentVolume and SetDefaults_HostPathVolumeSource; volumeAttributesClassName dropped. */
function defaultVolume(pv: PersistentVolume): void {
  const spec = (pv.spec ??= {});
  spec.persistentVolumeReclaimPolicy ||= 'Retain';
  spec.volumeMode ??= 'Filesystem';
  if (spec.hostPath) spec.hostPath.type ??= '';
  delete spec.volumeAttributesClassName;
}

/** SetDefaults_StorageClass: an unset policy deletes the volume, binding is immediate. */
function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}

function annotationWarnings(object: KubeObject): string[] {
  return object.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined
    ? [storageClassWarning]
    : [];
}

// GetWarningsForPersistentVolumeClaimSpec: storage is counted in whole bytes.
function storageRequestWarnings(spec: PersistentVolumeClaimSpec | undefined): string[] {
  const warnings: string[] = [];
  for (const field of ['requests', 'limits'] as const) {
    const value = spec?.resources?.[field]?.['storage'];
    if (value === undefined || quantityFormatError(value) !== undefined) continue;
    const quantity = parseQuantityValue(value);
    if (quantityToNanos(quantity) % 1_000_000_000n !== 0n) {
      const text = formatQuantity(quantity);
      warnings.push(
        `spec.resources.${field}[storage]: fractional byte value "${text}" is invalid, must be an integer`,
      );
    }
  }
  return warnings;
}

function volumeWarnings(pv: PersistentVolume): string[] {
  return pv.spec?.persistentVolumeReclaimPolicy === 'Recycle' ? [recycleWarning] : [];
}

function nameField(object: StoredObject, field: string): string | undefined {
  // Upstream keeps a bare `name` selectable field for backward compatibility.
  return field === 'name' ? object.metadata.name : undefined;
}
