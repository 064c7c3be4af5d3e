// The binder's writes to claims and volumes, each a read-modify-write of the latest stored state that writes
// nothing when nothing changes (so a resync does not bump resourceVersions), in the shapes of pv_controller.go's
// bindVolumeToClaim, bindClaimToVolume, unbindVolume, updateClaimStatus and updateVolumePhase.
import type {
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeStatus,
} from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../../api/object.js';
import { kubeTime } from '../../api/time.js';
import {
  BIND_COMPLETED_ANNOTATION,
  BOUND_BY_CONTROLLER_ANNOTATION,
  claimReference,
  claimStatus,
  isVolumeBoundToClaim,
} from '../../api/volume-binding.js';
import type { ObjectStore } from '../../store/object-store.js';
import { strategyFor } from '../kinds/index.js';
import { findResource } from '../resources.js';
import { createObject, deleteObject, type RestContext, type Target } from '../rest.js';

type Claim = PersistentVolumeClaim & StoredObject;
type Volume = PersistentVolume & StoredObject;

const CLAIMS = 'persistentvolumeclaims';
const VOLUMES = 'persistentvolumes';
/** The user kube-controller-manager's binder acts as. */
const BINDER_USER = 'system:serviceaccount:kube-system:persistent-volume-binder';

export class VolumeWriter {
  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date,
  ) {}

  /** updateVolumePhase: a change of phase is stamped in lastPhaseTransitionTime. */
  volumePhase(volume: Volume, phase: string, message?: string): Volume {
    if (volume.status?.phase === phase && volume.status.message === message) return volume;
    return this.update(VOLUMES, volume, (draft) => {
      const status: PersistentVolumeStatus = { ...draft.status };
      (draft as KubeObject).status = status;
      if (status.phase !== phase) status.lastPhaseTransitionTime = kubeTime(this.now());
      status.phase = phase;
      if (message === undefined) delete status.message;
      else status.message = message;
    });
  }

  /** bindVolumeToClaim: the claimRef names the claim with its UID; a binding the user did not make is marked. */
  volumeClaimRef(volume: Volume, claim: Claim): Volume {
    const byController = !isVolumeBoundToClaim(volume, claim);
    return this.update(VOLUMES, volume, (draft) => {
      const spec = (draft.spec ??= {});
      const ref = spec.claimRef;
      const meta = claim.metadata;
      if (!ref || ref.name !== meta.name || ref.namespace !== meta.namespace || ref.uid !== meta.uid)
        spec.claimRef = claimReference(claim);
      if (byController) annotate(draft, BOUND_BY_CONTROLLER_ANNOTATION, 'yes');
    });
  }

  /** unbindVolume: a controller-made binding is dropped; a user's pre-binding keeps its name, loses the UID. */
  unbind(volume: Volume): Volume {
    const unbound = this.update(VOLUMES, volume, (draft) => {
      const spec = (draft.spec ??= {});
      if (draft.metadata.annotations?.[BOUND_BY_CONTROLLER_ANNOTATION] !== undefined) {
        delete spec.claimRef;
        delete draft.metadata.annotations[BOUND_BY_CONTROLLER_ANNOTATION];
      } else if (spec.claimRef) spec.claimRef = { ...spec.claimRef, uid: '' };
    });
    return this.volumePhase(unbound, 'Available');
  }

  /** bindClaimToVolume: spec.volumeName, and the annotations that say the binding is done and who made it. */
  claimVolume(claim: Claim, volume: Volume): Claim {
    return this.update(CLAIMS, claim, (draft) => {
      const spec = (draft.spec ??= {});
      if (spec.volumeName !== volume.metadata.name) {
        spec.volumeName = volume.metadata.name;
        annotate(draft, BOUND_BY_CONTROLLER_ANNOTATION, 'yes');
      }
      annotate(draft, BIND_COMPLETED_ANNOTATION, 'yes');
    });
  }

  claimStatus(claim: Claim, phase: string, volume?: Volume): Claim {
    return this.update(CLAIMS, claim, (draft) => {
      (draft as KubeObject).status = claimStatus(draft.status, phase, volume);
    });
  }

  claimClass(claim: Claim, className: string): Claim {
    return this.update(CLAIMS, claim, (draft) => {
      (draft.spec ??= {}).storageClassName ??= className;
    });
  }

  claimAnnotations(claim: Claim, annotations: Record<string, string>): Claim {
    return this.update(CLAIMS, claim, (draft) => {
      for (const [key, value] of Object.entries(annotations)) annotate(draft, key, value);
    });
  }

  /** Through the API's create path: the volume gets the defaults and checks of any other volume. */
  createVolume(volume: PersistentVolume & KubeObject): Volume {
    const result = createObject(this.rest(), this.target(volume.metadata?.name ?? ''), volume, {
      dryRun: false,
      fieldValidation: 'Ignore',
    });
    return result.object as Volume;
  }

  /** Through the API's delete path, so a finalizer someone put on the volume is honoured. */
  deleteVolume(volume: Volume): void {
    deleteObject(
      this.rest(),
      this.target(volume.metadata.name),
      { preconditions: { uid: volume.metadata.uid ?? '' } },
      false,
    );
  }

  private rest(): RestContext {
    return { store: this.store, nodeName: '', user: BINDER_USER, now: this.now() };
  }

  private target(name: string): Target {
    const def = findResource('', 'v1', VOLUMES);
    if (!def) throw new Error('persistentvolumes is not a served resource');
    return { def, strategy: strategyFor(def.storageKey, def.kind, false), namespace: '', name };
  }

  /** Applies a change to the latest state of the same object (by UID); returns what is stored afterwards. */
  private update<T extends StoredObject>(resource: string, object: T, mutate: (draft: T) => void): T {
    const { namespace = '', name } = object.metadata;
    return this.store.guaranteedUpdate(resource, namespace, name, (current) => {
      if (current.metadata.uid !== object.metadata.uid) return undefined;
      const draft = structuredClone(current) as T;
      mutate(draft);
      return JSON.stringify(draft) === JSON.stringify(current) ? undefined : draft;
    }) as T;
  }
}

function annotate(object: KubeObject, key: string, value: string): void {
  const meta = (object.metadata ??= {});
  (meta.annotations ??= {})[key] = value;
}
