// PersistentVolumeClaim and PersistentVolume validation as kube-apiserver v1.33 runs it with its default
// feature gates (pkg/apis/core/validation/validation.go ValidatePersistentVolumeClaimSpec,
// ValidatePersistentVolumeSpec and their Update functions; pkg/volume/validation/pv_validation.go), in
// upstream's order so kubectl lists the messages as a cluster does.
// Metadata is checked by the caller. Upstream appends a cmp.Diff to the two "immutable after creation"
// messages; its text is deliberately unstable, so it is left out here, as the pod update message does.
import { posix } from 'node:path';
import type {
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeClaimSpec,
  PersistentVolumeSpec,
  TypedObjectReference,
  VolumeNodeAffinity,
} from 'kubernetes-types/core/v1.js';
import { type FieldError, forbidden, invalid, invalidEach, notSupported, required } from './errors.js';
import { isDNS1123Subdomain, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { formatQuantity, parseQuantityValue, quantityToNanos } from './quantity.js';
import { quantityFormatError } from './quantity-format.js';
import { validateLabelSelector, validateNodeSelector } from './selector-validation.js';
import { validateHostPath, validatePathNoBacksteps } from './volume-validation.js';

/** The annotation the storage class was named in before spec.storageClassName (v1.8). */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const MOUNT_OPTIONS_ANNOTATION = 'volume.beta.kubernetes.io/mount-options';

// sets.List order (sorted), which is how upstream lists supported values.
const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const volumeModes = ['Block', 'Filesystem'];
const pvReclaimPolicies = ['Delete', 'Recycle', 'Retain'];
const immutable = 'field is immutable';
const CLAIM_SPEC_IMMUTABLE =
  'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

// ValidatePersistentVolumeSpec's source order; the middle column is the path of "may not specify more than 1
// volume type" (cephFS, as upstream spells it). Only the sources a single node can serve are checked further.
const pvSources: [
  key: string,
  forbiddenPath: string,
  validate?: (source: never, path: string) => FieldError[],
][] = [
  ['hostPath', 'hostPath', validateHostPath],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['nfs', 'nfs'],
  ['rbd', 'rbd'],
  ['quobyte', 'quobyte'],
  ['cephfs', 'cephFS'],
  ['iscsi', 'iscsi'],
  ['cinder', 'cinder'],
  ['fc', 'fc'],
  ['flexVolume', ''],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['scaleIO', 'scaleIO'],
  ['local', 'local', validateLocal],
  ['storageos', 'storageos'],
  ['csi', 'csi'],
];
// checkMountOption: the sources whose plugins take mount options.
const mountOptionSources = new Set([
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'glusterfs',
  'nfs',
  'rbd',
  'quobyte',
  'iscsi',
  'cinder',
  'cephfs',
  'azureFile',
  'vsphereVolume',
  'azureDisk',
  'photonPersistentDisk',
]);

export function validateClaimSpec(spec: PersistentVolumeClaimSpec | undefined, path = 'spec'): FieldError[] {
  const s = spec ?? {};
  const modes = s.accessModes ?? [];
  const errs =
    modes.length === 0 ? [required(`${path}.accessModes`, 'at least 1 access mode is required')] : [];
  if (s.selector) errs.push(...validateLabelSelector(s.selector, `${path}.selector`));
  errs.push(...validateAccessModes(modes, `${path}.accessModes`));
  const storage = s.resources?.requests?.['storage'];
  const storagePath = `${path}.resources[storage]`;
  if (storage === undefined) errs.push(required(storagePath));
  else errs.push(...validatePositiveQuantity(storage, storagePath));
  if (s.storageClassName) errs.push(...validateClassName(s.storageClassName, `${path}.storageClassName`));
  if (s.volumeMode !== undefined && !volumeModes.includes(s.volumeMode))
    errs.push(notSupported(`${path}.volumeMode`, s.volumeMode, volumeModes));
  if (s.dataSource) errs.push(...validateDataSource(s.dataSource, `${path}.dataSource`));
  if (s.dataSourceRef) errs.push(...validateDataSource(s.dataSourceRef, `${path}.dataSourceRef`));
  if (s.dataSourceRef?.namespace) {
    if (s.dataSource)
      errs.push(
        invalid(path, `${path}.dataSource`, 'may not be specified when dataSourceRef.namespace is specified'),
      );
  } else if (s.dataSource && s.dataSourceRef && !sameReference(s.dataSource, s.dataSourceRef)) {
    errs.push(invalid(path, `${path}.dataSource`, 'must match dataSourceRef'));
  }
  return errs;
}

/** ValidatePersistentVolumeClaimUpdate without metadata rules; `claim.status` is already the stored one. */
export function validateClaimUpdate(claim: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs = validateClaimSpec(claim.spec);
  const newSpec: PersistentVolumeClaimSpec = structuredClone(claim.spec ?? {});
  const oldSpec: PersistentVolumeClaimSpec = structuredClone(old.spec ?? {});
  // The binder sets volumeName once; the class may move to the field from the beta annotation or from nil.
  if (!oldSpec.volumeName) setOrDelete(oldSpec, 'volumeName', newSpec.volumeName);
  const oldAnnotation = old.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  const newAnnotation = claim.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  const fromAnnotation =
    oldAnnotation !== undefined &&
    oldSpec.storageClassName === undefined &&
    newSpec.storageClassName === oldAnnotation &&
    (newAnnotation === undefined || newAnnotation === oldAnnotation);
  if (fromAnnotation) delete newSpec.storageClassName;
  else {
    if ((newAnnotation ?? '') !== (oldAnnotation ?? ''))
      errs.push(
        invalid(`metadata.annotations.${BETA_STORAGE_CLASS_ANNOTATION}`, newAnnotation ?? '', immutable),
      );
    const fromNil =
      newSpec.storageClassName !== undefined &&
      oldSpec.storageClassName === undefined &&
      (oldAnnotation === undefined || newSpec.storageClassName === oldAnnotation);
    if (fromNil) delete newSpec.storageClassName;
  }
  // Only a bound claim may be resized (or change its attributes class).
  if (claim.status?.phase === 'Bound' && newSpec.resources?.requests) {
    setOrDelete(newSpec.resources.requests, 'storage', oldSpec.resources?.requests?.['storage']);
  }
  if (claim.status?.phase === 'Bound' && newSpec.volumeAttributesClassName !== undefined)
    setOrDelete(newSpec, 'volumeAttributesClassName', oldSpec.volumeAttributesClassName);
  if (!semanticallyEqual(newSpec, oldSpec)) {
    errs.push(forbidden('spec', CLAIM_SPEC_IMMUTABLE));
  }
  // RecoverVolumeExpansionFailure (beta, on in 1.33): a request may shrink, but not to the recorded capacity.
  const newSize = nanos(claim.spec?.resources?.requests?.['storage']);
  if (
    newSize < nanos(old.spec?.resources?.requests?.['storage']) &&
    newSize <= nanos(old.status?.capacity?.['storage'])
  )
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  if (claim.spec?.volumeMode !== old.spec?.volumeMode)
    errs.push(invalid('volumeMode', claim.spec?.volumeMode, immutable));
  errs.push(...volumeAttributesClassUpdate(claim.spec, old.spec));
  return errs;
}

export function validateVolume(pv: PersistentVolume): FieldError[] {
  const s: PersistentVolumeSpec = pv.spec ?? {};
  const modes = s.accessModes ?? [];
  const errs = modes.length === 0 ? [required('spec.accessModes')] : [];
  errs.push(...validateAccessModes(modes, 'spec.accessModes'));
  errs.push(...validateCapacity(s.capacity));
  const policy = s.persistentVolumeReclaimPolicy ?? '';
  if (policy !== '' && !pvReclaimPolicies.includes(policy))
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, pvReclaimPolicies));
  let nodeAffinitySet = false;
  if (s.nodeAffinity) {
    nodeAffinitySet = true;
    if (s.nodeAffinity.required)
      errs.push(...validateNodeSelector(s.nodeAffinity.required, 'spec.nodeAffinity.required'));
    else errs.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
  }
  errs.push(...validateVolumeSource(s, nodeAffinitySet));
  if (s.hostPath && isRoot(s.hostPath.path) && policy === 'Recycle')
    errs.push(
      forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"),
    );
  if (s.storageClassName) errs.push(...validateClassName(s.storageClassName, 'spec.storageClassName'));
  if (s.volumeMode !== undefined && !volumeModes.includes(s.volumeMode))
    errs.push(notSupported('spec.volumeMode', s.volumeMode, volumeModes));
  const sources = s as Record<string, unknown>;
  const takesMountOptions = [...mountOptionSources].some((key) => sources[key] != null) || s.csi != null;
  if (!takesMountOptions && pv.metadata?.annotations?.[MOUNT_OPTIONS_ANNOTATION] !== undefined) {
    const field = `metadata.annotations.${MOUNT_OPTIONS_ANNOTATION}`;
    errs.push(forbidden(field, 'may not specify mount options for this volume type'));
  }
  return errs;
}

/** ValidatePersistentVolumeUpdate: the volume source, volumeMode and a set node affinity are immutable. */
export function validateVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs = validateVolume(pv);
  const newSource = volumeSource(pv.spec);
  const oldSource = volumeSource(old.spec);
  // A CSI volume may gain a controllerExpandSecretRef it did not have.
  const newCsi = newSource['csi'] as { controllerExpandSecretRef?: unknown } | undefined;
  if (old.spec?.csi && !old.spec.csi.controllerExpandSecretRef && newCsi?.controllerExpandSecretRef)
    delete newCsi.controllerExpandSecretRef;
  if (!semanticallyEqual(newSource, oldSource))
    errs.push(
      forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'),
    );
  if (pv.spec?.volumeMode !== old.spec?.volumeMode)
    errs.push(invalid('volumeMode', pv.spec?.volumeMode, immutable));
  if (old.spec?.nodeAffinity && !sameAffinityUpToGALabels(pv.spec?.nodeAffinity, old.spec.nodeAffinity)) {
    const detail = `${immutable}, except for updating from beta label to GA`;
    errs.push(invalid('nodeAffinity', pv.spec?.nodeAffinity, detail));
  }
  errs.push(...volumeAttributesClassUpdate(pv.spec, old.spec));
  return errs;
}

/** The fields of spec that make up PersistentVolumeSource. */
export function volumeSource(spec: PersistentVolumeSpec | undefined): Record<string, unknown> {
  const fields = (spec ?? {}) as Record<string, unknown>;
  return Object.fromEntries(pvSources.map(([key]) => [key, fields[key]]).filter(([, v]) => v != null));
}

function validateAccessModes(modes: readonly string[], path: string): FieldError[] {
  const errs = modes.filter((m) => !accessModes.includes(m)).map((m) => notSupported(path, m, accessModes));
  const known = modes.filter((m) => accessModes.includes(m));
  if (known.includes('ReadWriteOncePod') && known.some((m) => m !== 'ReadWriteOncePod'))
    errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

// A quantity that does not parse never gets past decoding in kube-apiserver; it is reported here instead.
function validatePositiveQuantity(value: string | number, path: string): FieldError[] {
  const formatError = quantityFormatError(value);
  if (formatError !== undefined) return [invalid(path, String(value), formatError)];
  const quantity = parseQuantityValue(value);
  return quantityToNanos(quantity) > 0n
    ? []
    : [invalid(path, formatQuantity(quantity), 'must be greater than zero')];
}

function validateCapacity(capacity: Record<string, string | number> | undefined): FieldError[] {
  const names = Object.keys(capacity ?? {});
  const errs = names.length === 0 ? [required('spec.capacity')] : [];
  if (!names.includes('storage') || names.length > 1)
    errs.push(notSupported('spec.capacity', capacity, ['storage']));
  for (const [name, value] of Object.entries(capacity ?? {})) {
    const path = `spec.capacity[${name}]`;
    const formatError = quantityFormatError(value);
    if (formatError !== undefined) {
      errs.push(invalid(path, String(value), formatError));
      continue;
    }
    // validateBasicResource prints Quantity.Value(): whole units rounded away from zero.
    const n = nanos(value);
    if (n < 0n)
      errs.push(
        invalid(path, Number(-((-n + 999_999_999n) / 1_000_000_000n)), 'must be a valid resource quantity'),
      );
    errs.push(...validatePositiveQuantity(value, path));
  }
  return errs;
}

function validateVolumeSource(spec: PersistentVolumeSpec, nodeAffinitySet: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const fields = spec as Record<string, unknown>;
  let count = 0;
  for (const [key, forbiddenPath, validate] of pvSources) {
    const source = fields[key];
    if (source == null) continue;
    // flexVolume is counted without the "more than 1" check, as upstream does.
    if (count > 0 && forbiddenPath !== '') {
      errs.push(forbidden(`spec.${forbiddenPath}`, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    if (validate) errs.push(...validate(source as never, `spec.${key}`));
    if (key === 'local' && !nodeAffinitySet)
      errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (count === 0) errs.push(required('spec', 'must specify a volume type'));
  return errs;
}

function validateLocal(source: { path?: string }, path: string): FieldError[] {
  return source.path ? validatePathNoBacksteps(source.path, `${path}.path`) : [required(`${path}.path`)];
}

function validateDataSource(ref: TypedObjectReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(required(`${path}.name`));
  if (!ref.kind) errs.push(required(`${path}.kind`));
  const group = ref.apiGroup ?? '';
  if (group === '' && ref.kind !== 'PersistentVolumeClaim')
    errs.push(
      invalid(path, ref.kind ?? '', "must be 'PersistentVolumeClaim' when referencing the default apiGroup"),
    );
  if (group !== '') errs.push(...invalidEach(`${path}.apiGroup`, group, isDNS1123Subdomain(group)));
  if (ref.namespace)
    errs.push(...invalidEach(`${path}.namespace`, ref.namespace, nameIsDNSLabel(ref.namespace, false)));
  return errs;
}

function sameReference(a: TypedObjectReference, b: TypedObjectReference): boolean {
  return a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name;
}

function validateClassName(name: string, path: string): FieldError[] {
  return invalidEach(path, name, nameIsDNSSubdomain(name, false));
}

// VolumeAttributesClass is beta and off by default in 1.33: the field is dropped on write, a change refused.
function volumeAttributesClassUpdate(
  spec: { volumeAttributesClassName?: string } | undefined,
  old: { volumeAttributesClassName?: string } | undefined,
): FieldError[] {
  if (spec?.volumeAttributesClassName === old?.volumeAttributesClassName) return [];
  const detail = 'update is forbidden when the VolumeAttributesClass feature gate is disabled';
  return [forbidden('spec.volumeAttributesClassName', detail)];
}

// betaToGALabel in validation.go: a node affinity key may move from the beta label to its GA name.
const betaToGALabel: Readonly<Record<string, string>> = {
  'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
  'beta.kubernetes.io/os': 'kubernetes.io/os',
  'beta.kubernetes.io/arch': 'kubernetes.io/arch',
  'beta.kubernetes.io/instance-type': 'node.kubernetes.io/instance-type',
};

function sameAffinityUpToGALabels(next: VolumeNodeAffinity | undefined, old: VolumeNodeAffinity): boolean {
  const promoted = structuredClone(old);
  const newTerms = next?.required?.nodeSelectorTerms ?? [];
  (promoted.required?.nodeSelectorTerms ?? []).forEach((term, i) => {
    (term.matchExpressions ?? []).forEach((r, j) => {
      const key = newTerms[i]?.matchExpressions?.[j]?.key;
      if (key !== undefined && betaToGALabel[r.key] === key) r.key = key;
    });
  });
  return semanticallyEqual(next, promoted);
}

/** path.Clean(p) == "/" */
function isRoot(path: string | undefined): boolean {
  return posix.normalize(path ?? '') === '/';
}

function nanos(value: string | number | undefined): bigint {
  if (value === undefined || quantityFormatError(value) !== undefined) return 0n;
  return quantityToNanos(parseQuantityValue(value));
}

function setOrDelete<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/** apiequality.Semantic.DeepEqual on JSON values: key order does not matter, quantities compare by value. */
function semanticallyEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (value !== null && typeof value === 'object') {
    const quantities = key === 'requests' || key === 'limits' || key === 'capacity';
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return Object.fromEntries(
      entries
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([k, v]) => [
          k,
          quantities && (typeof v === 'string' || typeof v === 'number') ? String(nanos(v)) : canonical(v, k),
        ]),
    );
  }
  return value;
}
