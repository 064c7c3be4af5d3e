// What the scheduler writes to pods (pkg/scheduler/schedule_one.go handleSchedulingFailure and updatePod,
// pkg/scheduler/framework/preemption/executor.go PreemptPod): the PodScheduled=False condition and
// nominatedNodeName of a pod that did not fit, the DisruptionTarget condition and graceful deletion of a victim.
// Every write is a read-modify-write of the same pod (by UID) that writes nothing when nothing changes.
import type { Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/object.js';
import { strategyFor } from '../apiserver/kinds/index.js';
import { withCondition } from '../apiserver/pod-binding.js';
import { findResource } from '../apiserver/resources.js';
import { ApiError } from '../apiserver/status.js';
import { deleteObject, type RestContext, type Target } from '../apiserver/rest.js';
import { NotFoundError } from '../store/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { PREEMPTION_REASON } from './preemption.js';

/** The user kube-scheduler acts as. */
const SCHEDULER_USER = 'system:kube-scheduler';

type MutableStatus = { -readonly [K in keyof PodStatus]: PodStatus[K] };

export class PodWrites {
  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date,
  ) {}

  /** PodScheduled False, reason Unschedulable; `nominated` sets (a node name) or clears ('') nominatedNodeName. */
  unschedulable(pod: Pod, message: string, nominated: string | undefined): void {
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
    };
    this.updateStatus(pod, (status) => {
      status.conditions = withCondition(status.conditions, condition, this.now());
      if (nominated === '') delete status.nominatedNodeName;
      else if (nominated !== undefined) status.nominatedNodeName = nominated;
    });
  }

  /** ClearNominatedNodeName. */
  clearNomination(pod: Pod): void {
    this.updateStatus(pod, (status) => {
      delete status.nominatedNodeName;
    });
  }

  /** PreemptPod: the DisruptionTarget condition first, so the kubelet and controllers see why, then the delete. */
  preempt(victim: Pod, schedulerName: string): void {
    const condition: PodCondition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: PREEMPTION_REASON,
      message: `${schedulerName}: preempting to accommodate a higher priority pod`,
    };
    this.updateStatus(victim, (status) => {
      status.conditions = withCondition(status.conditions, condition, this.now());
    });
    const meta = victim.metadata ?? {};
    try {
      deleteObject(
        this.rest(),
        this.target(meta.namespace ?? '', meta.name ?? ''),
        { preconditions: { uid: meta.uid ?? '' } },
        false,
      );
    } catch (e) {
      if (!isGone(e)) throw e;
    }
  }

  private updateStatus(pod: Pod, mutate: (status: MutableStatus) => void): void {
    const meta = pod.metadata ?? {};
    try {
      this.store.guaranteedUpdate('pods', meta.namespace ?? '', meta.name ?? '', (current) => {
        if (current.metadata.uid !== meta.uid) return undefined;
        const draft = structuredClone(current) as KubeObject;
        const status: MutableStatus = { ...(draft.status as PodStatus | undefined) };
        mutate(status);
        draft.status = status;
        return JSON.stringify(draft) === JSON.stringify(current) ? undefined : draft;
      });
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }

  private rest(): RestContext {
    return { store: this.store, nodeName: '', user: SCHEDULER_USER, now: this.now() };
  }

  private target(namespace: string, name: string): Target {
    const def = findResource('', 'v1', 'pods');
    if (!def) throw new Error('pods is not a served resource');
    return { def, strategy: strategyFor(def.storageKey, def.kind, true), namespace, name };
  }
}

/** A victim deleted, or replaced by a pod of the same name, since it was picked. */
function isGone(e: unknown): boolean {
  if (e instanceof NotFoundError) return true;
  return e instanceof ApiError && (e.status.code === 404 || e.status.code === 409);
}
