// Columns of persistentvolumes, persistentvolumeclaims and storageclasses, as printPersistentVolume,
// printPersistentVolumeClaim and printStorageClass in pkg/printers/internalversion/printers.go.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { quantityFormatError } from '../../api/quantity-format.js';
import { formatQuantity, parseQuantityValue } from '../../api/quantity.js';
import { ageSince } from './duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type ResourcePrinter } from './types.js';

// The beta annotation still wins over spec.storageClassName (pkg/apis/core/helper GetPersistentVolume*Class).
const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
const ACCESS_MODES: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

const volumeModeColumn = column('VolumeMode', 'Whether the volume is a filesystem or a raw block device.', {
  priority: 1,
});

export const persistentVolumePrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Capacity', 'The capacity of the volume.'),
    column('Access Modes', 'The ways the volume can be mounted.'),
    column('Reclaim Policy', 'What happens to the volume when it is released from its claim.'),
    column('Status', 'The phase of the volume.'),
    column('Claim', 'The claim bound to this volume.'),
    column('StorageClass', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    column('Reason', 'A brief CamelCase string that describes any failure.'),
    AGE_COLUMN,
    volumeModeColumn,
  ],
  cells(object, now) {
    const pv = object as PersistentVolume;
    const spec = pv.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    return [
      pv.metadata?.name ?? '',
      quantityCell(spec.capacity?.['storage']),
      accessModes(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? '',
      phaseOf(pv),
      claim,
      storageClassOf(pv),
      spec.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      ageSince(pv.metadata?.creationTimestamp, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};

export const persistentVolumeClaimPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'The phase of the claim.'),
    column('Volume', 'The volume bound to this claim.'),
    column('Capacity', 'The capacity of the bound volume.'),
    column('Access Modes', 'The access modes of the bound volume.'),
    column('StorageClass', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    volumeModeColumn,
  ],
  cells(object, now) {
    const pvc = object as PersistentVolumeClaim;
    const spec = pvc.spec ?? {};
    // Capacity and modes describe the bound volume, so they stay empty until the claim is bound.
    const bound = (spec.volumeName ?? '') !== '';
    return [
      pvc.metadata?.name ?? '',
      phaseOf(pvc),
      spec.volumeName ?? '',
      bound ? quantityCell(pvc.status?.capacity?.['storage']) : '',
      bound ? accessModes(pvc.status?.accessModes) : '',
      storageClassOf(pvc),
      spec.volumeAttributesClassName ?? '<unset>',
      ageSince(pvc.metadata?.creationTimestamp, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};

export const storageClassPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'The volume plugin that provisions volumes of this class.'),
    column('ReclaimPolicy', 'The reclaim policy of dynamically provisioned volumes.'),
    column('VolumeBindingMode', 'When volumes are provisioned and bound.'),
    column('AllowVolumeExpansion', 'Whether volumes of this class can be expanded.'),
    AGE_COLUMN,
  ],
  cells(object, now) {
    const sc = object as unknown as StorageClass;
    const annotations = sc.metadata?.annotations ?? {};
    const isDefault = annotations[DEFAULT_CLASS] === 'true' || annotations[BETA_DEFAULT_CLASS] === 'true';
    return [
      `${sc.metadata?.name ?? ''}${isDefault ? ' (default)' : ''}`,
      sc.provisioner,
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      sc.allowVolumeExpansion ?? false,
      ageSince(sc.metadata?.creationTimestamp, now),
    ];
  },
};

type Volume = PersistentVolume | PersistentVolumeClaim;

function phaseOf(v: Volume): string {
  return v.metadata?.deletionTimestamp ? 'Terminating' : (v.status?.phase ?? '');
}

function storageClassOf(v: Volume): string {
  return v.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? v.spec?.storageClassName ?? '';
}

/** helper.GetAccessModesAsString: fixed order, duplicates dropped. */
function accessModes(modes: string[] | undefined): string {
  const present = new Set(modes ?? []);
  return ACCESS_MODES.filter(([mode]) => present.has(mode))
    .map(([, short]) => short)
    .join(',');
}

// Quantity.String() of a missing quantity is "0"; an unparsable one (never stored) is shown as written.
function quantityCell(value: string | undefined): string {
  if (value === undefined) return '0';
  if (quantityFormatError(value) !== undefined) return value;
  return formatQuantity(parseQuantityValue(value));
}
