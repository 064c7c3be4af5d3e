// What kube-controller-manager's persistentvolume-binder does, one object at a time: binds claims to volumes,
// provisions volumes for claims of a class (podlet's local provisioner, or waits on an external one), and
// releases and reclaims volumes whose claim is gone. The branches follow syncUnboundClaim, syncBoundClaim and
// syncVolume of pkg/controller/volume/persistentvolume/pv_controller.go, with its events and messages.
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { KubeObject, StoredObject } from '../../api/object.js';
import {
  BETA_STORAGE_PROVISIONER_ANNOTATION,
  BIND_COMPLETED_ANNOTATION,
  BOUND_BY_CONTROLLER_ANNOTATION,
  PROVISIONED_BY_ANNOTATION,
  SELECTED_NODE_ANNOTATION,
  STORAGE_PROVISIONER_ANNOTATION,
  claimClassName,
  claimHasClass,
  claimNamesOfPod,
  defaultClassName,
  findBestVolume,
  isVolumeBoundToClaim,
  volumeMismatch,
} from '../../api/volume-binding.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Logger } from '../../util/log.js';
import type { ControllerEventRecorder } from './controller-events.js';
import { LOCAL_PROVISIONER, type LocalProvisioner } from './local-provisioner.js';
import { VolumeWriter } from './volume-writer.js';

export const CLAIMS = 'persistentvolumeclaims';
export const VOLUMES = 'persistentvolumes';
export const CLASSES = 'storageclasses.storage.k8s.io';

export interface BinderDeps {
  store: ObjectStore;
  events: ControllerEventRecorder;
  provisioner: LocalProvisioner;
  logger: Logger;
  /** Asks for another sync of a claim soon (a volume found it unfinished). */
  requeueClaim(namespace: string, name: string): void;
  now?: () => Date;
}

type Claim = PersistentVolumeClaim & StoredObject;
type Volume = PersistentVolume & StoredObject;

export class PersistentVolumeBinder {
  private readonly write: VolumeWriter;

  constructor(private readonly deps: BinderDeps) {
    this.write = new VolumeWriter(deps.store, deps.now ?? (() => new Date()));
  }

  async syncClaim(namespace: string, name: string): Promise<void> {
    const claim = this.deps.store.get(CLAIMS, namespace, name) as Claim | undefined;
    if (!claim) return;
    if (claim.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] === undefined)
      await this.syncUnboundClaim(claim);
    else this.syncBoundClaim(claim);
  }

  async syncVolume(name: string): Promise<void> {
    const volume = this.deps.store.get(VOLUMES, '', name) as Volume | undefined;
    if (!volume) return;
    const ref = volume.spec?.claimRef;
    // Unused, or pre-bound to a claim that has not bound yet: the claim's sync does the rest.
    if (!ref?.uid) return void this.write.volumePhase(volume, 'Available');
    let claim = this.deps.store.get(CLAIMS, ref.namespace ?? '', ref.name ?? '') as Claim | undefined;
    if (claim && claim.metadata.uid !== ref.uid) claim = undefined;
    if (!claim) return this.release(volume);
    const volumeName = claim.spec?.volumeName ?? '';
    if (volumeName === '') return this.deps.requeueClaim(claim.metadata.namespace ?? '', claim.metadata.name);
    if (volumeName === volume.metadata.name) return void this.write.volumePhase(volume, 'Bound');
    // The claim is bound elsewhere: a volume provisioned for it is not needed any more.
    const provisioned = volume.metadata.annotations?.[PROVISIONED_BY_ANNOTATION] !== undefined;
    if (provisioned && volume.spec?.persistentVolumeReclaimPolicy === 'Delete') return this.release(volume);
    if (volume.metadata.annotations?.[BOUND_BY_CONTROLLER_ANNOTATION] !== undefined)
      this.write.unbind(volume);
  }

  private async syncUnboundClaim(claim: Claim): Promise<void> {
    const volumeName = claim.spec?.volumeName ?? '';
    if (volumeName !== '') return this.syncRequestedVolume(claim, volumeName);
    const className = claimClassName(claim);
    const sc = className
      ? (this.deps.store.get(CLASSES, '', className) as StorageClass | undefined)
      : undefined;
    const delayBinding =
      sc?.volumeBindingMode === 'WaitForFirstConsumer' &&
      claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === undefined;
    const volumes = this.deps.store.list(VOLUMES, undefined).items as Volume[];
    const volume = findBestVolume(claim, volumes, delayBinding) as Volume | undefined;
    if (volume) return this.bind(volume, claim);
    // RetroactiveDefaultStorageClass: a claim made before any default class existed gets it now.
    if (!claimHasClass(claim)) {
      const classes = this.deps.store.list(CLASSES, undefined).items as unknown as StorageClass[];
      const name = defaultClassName(classes);
      if (name !== undefined) return void this.write.claimClass(claim, name);
    }
    if (delayBinding) this.waitForConsumer(claim);
    else if (className !== '') return this.provision(claim, className, sc);
    else
      this.event(
        claim,
        'Normal',
        'FailedBinding',
        'no persistent volumes available for this claim and no storage class is set',
      );
    this.write.claimStatus(claim, 'Pending');
  }

  /** The claim names its volume (spec.volumeName): bind when that volume is free and fits. */
  private syncRequestedVolume(claim: Claim, volumeName: string): void {
    const volume = this.deps.store.get(VOLUMES, '', volumeName) as Volume | undefined;
    if (!volume) return void this.write.claimStatus(claim, 'Pending');
    if (!volume.spec?.claimRef) {
      const mismatch = volume.metadata.deletionTimestamp
        ? `the volume is marked for deletion "${volumeName}"`
        : volumeMismatch(volume, claim);
      if (mismatch === undefined) return this.bind(volume, claim);
      this.event(
        claim,
        'Warning',
        'VolumeMismatch',
        `Cannot bind to requested volume "${volumeName}": ${mismatch}`,
      );
      return void this.write.claimStatus(claim, 'Pending');
    }
    if (isVolumeBoundToClaim(volume, claim)) return this.bind(volume, claim);
    this.event(
      claim,
      'Warning',
      'FailedBinding',
      `volume "${volumeName}" already bound to a different claim.`,
    );
    this.write.claimStatus(claim, 'Pending');
  }

  private syncBoundClaim(claim: Claim): void {
    const volumeName = claim.spec?.volumeName ?? '';
    const volume = volumeName
      ? (this.deps.store.get(VOLUMES, '', volumeName) as Volume | undefined)
      : undefined;
    if (volumeName === '')
      return this.lose(
        claim,
        'ClaimLost',
        'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!',
      );
    if (!volume)
      return this.lose(
        claim,
        'ClaimLost',
        'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
      );
    const ref = volume.spec?.claimRef;
    if (!ref || ref.uid === claim.metadata.uid) return this.bind(volume, claim);
    this.lose(
      claim,
      'ClaimMisbound',
      'Two claims are bound to the same volume, this one is bound incorrectly',
    );
  }

  /** bind(): the volume's claimRef and phase, then the claim's volumeName, annotations and status. */
  private bind(volume: Volume, claim: Claim): void {
    const bound = this.write.volumeClaimRef(volume, claim);
    const boundVolume = this.write.volumePhase(bound, 'Bound');
    const boundClaim = this.write.claimVolume(claim, boundVolume);
    this.write.claimStatus(boundClaim, 'Bound', boundVolume);
  }

  private lose(claim: Claim, reason: string, message: string): void {
    if (claim.status?.phase !== 'Lost') this.event(claim, 'Warning', reason, message);
    this.write.claimStatus(claim, 'Lost');
  }

  /**
   * WaitForFirstConsumer: podlet's API server places every pod on this node at create (it is the scheduler), so a
   * pod naming the claim selects the node at once, as kube-scheduler's VolumeBinding plugin would.
   */
  private waitForConsumer(claim: Claim): void {
    const consumers = (
      this.deps.store.list('pods', claim.metadata.namespace).items as unknown as (Pod & StoredObject)[]
    )
      .filter((p) => !p.metadata.deletionTimestamp && claimNamesOfPod(p).includes(claim.metadata.name))
      .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const scheduled = consumers.find((p) => p.spec?.nodeName);
    if (scheduled?.spec?.nodeName)
      return void this.write.claimAnnotations(claim, { [SELECTED_NODE_ANNOTATION]: scheduled.spec.nodeName });
    const names = consumers.map((p) => p.metadata.name);
    if (names.length === 0)
      this.event(
        claim,
        'Normal',
        'WaitForFirstConsumer',
        'waiting for first consumer to be created before binding',
      );
    else {
      const which = names.length > 1 ? `pods ${names.join(',')}` : `pod ${names[0] ?? ''}`;
      this.event(claim, 'Normal', 'WaitForPodScheduled', `waiting for ${which} to be scheduled`);
    }
  }

  /** provisionClaim: the claim is annotated with its provisioner; ours makes the volume, others are waited for. */
  private async provision(claim: Claim, className: string, sc: StorageClass | undefined): Promise<void> {
    if (!sc) {
      this.event(
        claim,
        'Warning',
        'ProvisioningFailed',
        `storageclass.storage.k8s.io "${className}" not found`,
      );
      return void this.write.claimStatus(claim, 'Pending');
    }
    const annotated = this.write.claimAnnotations(claim, {
      [BETA_STORAGE_PROVISIONER_ANNOTATION]: sc.provisioner,
      [STORAGE_PROVISIONER_ANNOTATION]: sc.provisioner,
    });
    if (sc.provisioner !== LOCAL_PROVISIONER) {
      const message =
        `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually ` +
        'by the system administrator. If volume creation is delayed, please verify that the provisioner is ' +
        'running and correctly registered.';
      this.event(annotated, 'Normal', 'ExternalProvisioning', message);
      return void this.write.claimStatus(annotated, 'Pending');
    }
    // Provisioned before (the volume's own sync binds it).
    if (this.deps.store.get(VOLUMES, '', `pvc-${claim.metadata.uid ?? ''}`)) return;
    const refusal = this.deps.provisioner.refusal(annotated, sc);
    if (refusal !== undefined) {
      this.event(annotated, 'Warning', 'ProvisioningFailed', refusal);
      return void this.write.claimStatus(annotated, 'Pending');
    }
    await this.provisionLocal(annotated, sc);
  }

  private async provisionLocal(claim: Claim, sc: StorageClass): Promise<void> {
    const { provisioner } = this.deps;
    let volume: PersistentVolume & KubeObject;
    try {
      volume = await provisioner.provision(claim, sc);
    } catch (err) {
      const message = `Failed to provision volume with StorageClass "${sc.metadata?.name ?? ''}": ${(err as Error).message}`;
      return this.event(claim, 'Warning', 'ProvisioningFailed', message);
    }
    const current = this.deps.store.get(CLAIMS, claim.metadata.namespace ?? '', claim.metadata.name);
    try {
      // The claim went away while the directory was made: nothing will ever use it.
      if (current?.metadata.uid !== claim.metadata.uid) return await provisioner.delete(volume);
      this.write.createVolume(volume);
    } catch (err) {
      await provisioner.delete(volume).catch(() => undefined);
      const message = `Failed to provision volume with StorageClass "${sc.metadata?.name ?? ''}": ${(err as Error).message}`;
      return this.event(claim, 'Warning', 'ProvisioningFailed', message);
    }
    const message = `Successfully provisioned volume ${volume.metadata?.name ?? ''} using ${LOCAL_PROVISIONER}`;
    this.event(claim, 'Normal', 'ProvisioningSucceeded', message);
  }

  /** The claim is gone: the volume is Released and its reclaim policy runs (reclaimVolume). */
  private async release(volume: Volume): Promise<void> {
    const released =
      volume.status?.phase === 'Released' || volume.status?.phase === 'Failed'
        ? volume
        : this.write.volumePhase(volume, 'Released');
    const policy = released.spec?.persistentVolumeReclaimPolicy;
    if (policy === 'Retain') return;
    if (policy === 'Recycle')
      return this.fail(released, 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
    const provisionedBy = released.metadata.annotations?.[PROVISIONED_BY_ANNOTATION];
    // An external provisioner's volume is deleted by that provisioner.
    if (provisionedBy !== undefined && provisionedBy !== LOCAL_PROVISIONER) return;
    if (provisionedBy === undefined) {
      const message = `error getting deleter volume plugin for volume "${released.metadata.name}": no deletable volume plugin matched`;
      return this.fail(released, 'VolumeFailedDelete', message);
    }
    try {
      await this.deps.provisioner.delete(released);
    } catch (err) {
      return this.fail(released, 'VolumeFailedDelete', (err as Error).message);
    }
    this.write.deleteVolume(released);
    this.deps.events.forget(released.metadata.uid ?? '');
    this.deps.logger.info({ volume: released.metadata.name }, 'released volume deleted');
  }

  /** updateVolumePhaseWithEvent: the event comes with the change of phase, not with every retry. */
  private fail(volume: Volume, reason: string, message: string): void {
    if (volume.status?.phase !== 'Failed') this.event(volume, 'Warning', reason, message);
    this.write.volumePhase(volume, 'Failed', message);
  }

  private event(object: StoredObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.events.record(object, type, reason, message);
  }
}
