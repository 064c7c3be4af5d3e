// persistentVolumeClaim volumes: the claim must be bound to a volume that points back at it
// (pkg/kubelet/volumemanager/populator getPVCExtractPV, getPVSpec); the volume's hostPath or local path is then
// mounted like a hostPath.
import type {
  HostPathVolumeSource,
  PersistentVolume,
  PersistentVolumeClaim,
} from 'kubernetes-types/core/v1.js';
import { VolumeSetUpError } from './errors.js';

export interface ClaimRef {
  namespace: string;
  claimName: string;
}

/**
 * The host path source the bound volume provides; throws with the populator's text, prefixed
 * `error processing PVC ns/name: ` as the kubelet reports it.
 */
export function claimedHostPath(
  ref: ClaimRef,
  claim: PersistentVolumeClaim | undefined,
  volume: (name: string) => PersistentVolume | undefined,
): HostPathVolumeSource {
  const fail = (text: string) =>
    new VolumeSetUpError(`error processing PVC ${ref.namespace}/${ref.claimName}: ${text}`);
  if (!claim) {
    throw fail(`failed to fetch PVC from API server: persistentvolumeclaims "${ref.claimName}" not found`);
  }
  if (claim.metadata?.deletionTimestamp) throw fail('PVC is being deleted');
  if (claim.status?.phase !== 'Bound') throw fail('PVC is not bound');
  const pvName = claim.spec?.volumeName ?? '';
  if (pvName === '') throw fail('PVC has empty pvc.Spec.VolumeName');
  const pv = volume(pvName);
  if (!pv) {
    throw fail(`failed to fetch PV ${pvName} from API server: persistentvolumes "${pvName}" not found`);
  }
  const claimRef = pv.spec?.claimRef;
  if (!claimRef) {
    throw fail(
      `found PV object ${pvName} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim`,
    );
  }
  if (claimRef.uid !== claim.metadata?.uid) {
    throw fail(
      `found PV object ${pvName} but its pv.Spec.ClaimRef.UID (${claimRef.uid ?? ''}) does not point to claim.UID (${claim.metadata?.uid ?? ''})`,
    );
  }
  if (pv.spec?.hostPath) return pv.spec.hostPath;
  // A local volume's path must already be there (the local plugin bind-mounts it and fails otherwise).
  if (pv.spec?.local) return { path: pv.spec.local.path, type: 'Directory' };
  throw fail(`PV ${pvName} has no hostPath or local source, the only kinds this node mounts`);
}
