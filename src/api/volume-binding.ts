// The pure decisions of the PersistentVolume binder: which class a claim asks for, which class is the default,
// which volume fits a claim, and what a bound claim's status says. Upstream: pkg/controller/volume/
// persistentvolume/pv_controller.go and util/util.go (FindMatchingVolume, CheckAccessModes),
// k8s.io/component-helpers/storage/volume (GetPersistentVolume*Class, IsDefaultAnnotation) and
// pkg/volume/util.GetDefaultClass.
import type {
  ObjectReference,
  Pod,
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeClaimStatus,
} from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { labelSelectorFromMeta, matchLabelSelector } from './label-selector.js';
import { parseQuantityValue, quantityToNanos } from './quantity.js';
import { quantityFormatError } from './quantity-format.js';
import { BETA_STORAGE_CLASS_ANNOTATION } from './storage-validation.js';

/** On a claim once the binder has finished binding it (whatever later happens to the volume). */
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
/** On a claim or volume whose binding the controller made, rather than the user (pre-binding). */
export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';
/** On a dynamically provisioned volume: the provisioner that made it, and so the one that deletes it. */
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the provisioner expected to provision it (and its beta spelling, still written). */
export const STORAGE_PROVISIONER_ANNOTATION = 'volume.kubernetes.io/storage-provisioner';
export const BETA_STORAGE_PROVISIONER_ANNOTATION = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a claim of a WaitForFirstConsumer class: the node of its first consumer (the scheduler sets it). */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName; '' is no class. */
export function claimClassName(claim: PersistentVolumeClaim): string {
  return claim.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? claim.spec?.storageClassName ?? '';
}

export function volumeClassName(volume: PersistentVolume): string {
  return volume.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? volume.spec?.storageClassName ?? '';
}

/** PersistentVolumeClaimHasClass: an explicit "" counts as asking for no class, so it gets no default. */
export function claimHasClass(claim: PersistentVolumeClaim): boolean {
  return (
    claim.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined ||
    claim.spec?.storageClassName !== undefined
  );
}

export function isDefaultClass(sc: StorageClass): boolean {
  const annotations = sc.metadata?.annotations ?? {};
  return (
    annotations[DEFAULT_CLASS_ANNOTATION] === 'true' || annotations[BETA_DEFAULT_CLASS_ANNOTATION] === 'true'
  );
}

/** GetDefaultClass: of several defaults, the newest wins, then the first by name (since 1.26). */
export function defaultClassName(classes: readonly StorageClass[]): string | undefined {
  const defaults = classes.filter(isDefaultClass).sort((a, b) => {
    const byTime = (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? '');
    return byTime !== 0 ? byTime : (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  });
  return defaults[0]?.metadata?.name;
}

/** IsVolumeBoundToClaim: the claimRef names the claim, and its UID, when set, is the claim's. */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref || ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** CheckAccessModes: the volume offers every mode the claim asks for. */
export function volumeHasAccessModes(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const offered = volume.spec?.accessModes ?? [];
  return (claim.spec?.accessModes ?? []).every((m) => offered.includes(m));
}

/**
 * FindMatchingVolume without node affinity (one node): a volume pre-bound to the claim first, else the smallest
 * Available, unclaimed volume of the claim's class, labels, access modes, volume mode and at least its size.
 * `delayBinding` (WaitForFirstConsumer, no node selected yet) leaves everything but a pre-bound volume alone.
 */
export function findBestVolume(
  claim: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
  delayBinding: boolean,
): PersistentVolume | undefined {
  const requested = storageNanos(claim.spec?.resources?.requests?.['storage']);
  const selector = claim.spec?.selector ? labelSelectorFromMeta(claim.spec.selector) : undefined;
  const className = claimClassName(claim);
  let best: PersistentVolume | undefined;
  for (const volume of volumes) {
    if ((volume.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem')) continue;
    if (volume.metadata?.deletionTimestamp) continue;
    if (isVolumeBoundToClaim(volume, claim)) return volume;
    if (delayBinding) continue;
    if (volume.status?.phase !== 'Available' || volume.spec?.claimRef) continue;
    if (selector && !matchLabelSelector(selector, volume.metadata?.labels ?? {})) continue;
    if (volumeClassName(volume) !== className || !volumeHasAccessModes(volume, claim)) continue;
    const size = storageNanos(volume.spec?.capacity?.['storage']);
    if (size < requested) continue;
    if (!best || storageNanos(best.spec?.capacity?.['storage']) > size) best = volume;
  }
  return best;
}

/**
 * updateClaimStatus: the claim's status in `phase`, with the bound volume's access modes and capacity, or none of
 * them without a volume; other status fields are kept.
 */
export function claimStatus(
  current: PersistentVolumeClaimStatus | undefined,
  phase: string,
  volume?: PersistentVolume,
): PersistentVolumeClaimStatus {
  const { accessModes: _modes, capacity: _capacity, ...rest } = current ?? {};
  if (!volume) return { ...rest, phase };
  return {
    ...rest,
    phase,
    ...(volume.spec?.accessModes ? { accessModes: [...volume.spec.accessModes] } : {}),
    ...(volume.spec?.capacity ? { capacity: { ...volume.spec.capacity } } : {}),
  };
}

/** checkVolumeSatisfyClaim: why a volume the claim names cannot serve it, or undefined when it can. */
export function volumeMismatch(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  const requested = storageNanos(claim.spec?.resources?.requests?.['storage']);
  if (storageNanos(volume.spec?.capacity?.['storage']) < requested) return 'requested PV is too small';
  if (volumeClassName(volume) !== claimClassName(claim)) return 'storageClassName does not match';
  if ((volume.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem'))
    return 'incompatible volumeMode';
  if (!volumeHasAccessModes(volume, claim)) return 'incompatible accessMode';
  return undefined;
}

/** The claimRef a volume bound to this claim carries (GetReference). */
export function claimReference(claim: PersistentVolumeClaim): ObjectReference {
  const meta = claim.metadata ?? {};
  return {
    kind: 'PersistentVolumeClaim',
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    apiVersion: 'v1',
    ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
  };
}

/** Claims a pod's volumes name: the consumers WaitForFirstConsumer waits for. */
export function claimNamesOfPod(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
  );
}

function storageNanos(value: string | number | undefined): bigint {
  if (value === undefined || quantityFormatError(value) !== undefined) return 0n;
  return quantityToNanos(parseQuantityValue(value));
}
