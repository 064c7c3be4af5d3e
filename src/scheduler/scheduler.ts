// The scheduler for podlet's one node, in-process (pkg/scheduler/schedule_one.go, internal/queue): pods without
// spec.nodeName are queued as they appear and scheduled one at a time, highest priority first, then oldest.
// A pod that fits is bound (pods/binding) in the same tick it was created; one that does not gets PodScheduled
// False/Unschedulable and a FailedScheduling event, may preempt lower-priority pods, and waits in the
// unschedulable set until something that could make it fit happens: the Node's labels, taints, cordon or
// allocatable change, a pod on the node goes away or finishes, or the pod itself changes. As upstream's
// podMaxInUnschedulablePodsDuration, every waiting pod is also retried after 5 minutes.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { StoredObject } from '../api/object.js';
import { bindPod } from '../apiserver/pod-binding.js';
import { ControllerEventRecorder } from '../apiserver/volumes/controller-events.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import { runFilters } from './filters.js';
import { fitErrorMessage, NO_NODES_AVAILABLE } from './messages.js';
import { occupiesNode, podPriority, type NodeInfo } from './node-info.js';
import { PodWrites } from './pod-writes.js';
import { preempt } from './preemption.js';

export interface SchedulerOptions {
  store: ObjectStore;
  /** The one node: podlet's own. */
  nodeName: string;
  logger: Logger;
  now?: () => Date;
  /** How long a pod waits in the unschedulable set before it is retried anyway (default 5 min). */
  retryAfterMs?: number;
}

export const DEFAULT_SCHEDULER = 'default-scheduler';
const DEFAULT_RETRY_MS = 5 * 60_000;

export class Scheduler {
  private readonly abort = new AbortController();
  /** Pods to try, by namespace/name. */
  private readonly active = new Set<string>();
  /** Pods that did not fit, by namespace/name, with when they were set aside. */
  private readonly unschedulable = new Map<string, number>();
  private readonly events: ControllerEventRecorder;
  private readonly writes: PodWrites;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private draining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SchedulerOptions) {
    this.logger = options.logger.child({ component: DEFAULT_SCHEDULER });
    this.now = options.now ?? (() => new Date());
    this.events = new ControllerEventRecorder(options.store, DEFAULT_SCHEDULER, this.logger, this.now);
    this.writes = new PodWrites(options.store, this.now);
  }

  start(): void {
    const { store } = this.options;
    const signal = this.abort.signal;
    store.watch({ resource: 'nodes', signal }, (e) => this.onNode(e));
    store.watch({ resource: 'pods', signal }, (e) => this.onPod(e));
    const retryMs = this.options.retryAfterMs ?? DEFAULT_RETRY_MS;
    this.timer = setInterval(() => this.retryStale(retryMs), Math.min(retryMs, 30_000));
    this.timer.unref();
  }

  /** Stops watching and waits for the pod being scheduled, so nothing writes to a closed store. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearInterval(this.timer);
    this.active.clear();
    this.unschedulable.clear();
    await this.draining;
  }

  private onNode(event: StoreEvent): void {
    if (event.object.metadata.name !== this.options.nodeName || event.type === 'DELETED') return;
    const node = event.object as unknown as Node;
    const before = event.previous as unknown as Node | undefined;
    if (before === undefined || placementFacts(node) !== placementFacts(before)) this.retryAll();
  }

  private onPod(event: StoreEvent): void {
    const pod = event.object as unknown as Pod;
    const before = event.previous as unknown as Pod | undefined;
    const key = podKey(event.object);
    if (event.type === 'DELETED') {
      this.active.delete(key);
      this.unschedulable.delete(key);
      this.events.forget(event.object.metadata.uid ?? '');
      if (pod.spec?.nodeName === this.options.nodeName) this.retryAll();
      return;
    }
    if (waitsForScheduling(pod)) {
      // A status write (ours included) changes nothing the filters read; anything else may.
      if (before === undefined || !waitsForScheduling(before) || podChanged(pod, before)) {
        this.unschedulable.delete(key);
        this.enqueue(key);
      }
      return;
    }
    this.active.delete(key);
    this.unschedulable.delete(key);
    const finished = (p: Pod | undefined) =>
      p?.status?.phase === 'Succeeded' || p?.status?.phase === 'Failed';
    if (pod.spec?.nodeName === this.options.nodeName && finished(pod) && !finished(before)) this.retryAll();
  }

  private retryAll(): void {
    for (const key of this.unschedulable.keys()) this.active.add(key);
    this.unschedulable.clear();
    this.kick();
  }

  private retryStale(afterMs: number): void {
    const cutoff = Date.now() - afterMs;
    for (const [key, since] of this.unschedulable) {
      if (since > cutoff) continue;
      this.unschedulable.delete(key);
      this.active.add(key);
    }
    this.kick();
  }

  private enqueue(key: string): void {
    if (this.abort.signal.aborted) return;
    this.active.add(key);
    this.kick();
  }

  private kick(): void {
    if (this.draining || this.active.size === 0 || this.abort.signal.aborted) return;
    // Store listeners must not write synchronously: scheduling starts right after the current delivery.
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.draining = undefined;
        this.kick();
      });
  }

  private drain(): void {
    for (let pod = this.next(); pod !== undefined; pod = this.next()) {
      try {
        this.scheduleOne(pod);
      } catch (err) {
        // Left for the next change, as upstream requeues a pod whose cycle hit an error.
        this.logger.warn({ err, pod: podKey(pod) }, 'scheduling failed');
        this.unschedulable.set(podKey(pod), Date.now());
      }
    }
  }

  /** PrioritySort: the highest priority, then the oldest; keys whose pod no longer waits are dropped. */
  private next(): (Pod & StoredObject) | undefined {
    let best: (Pod & StoredObject) | undefined;
    for (const key of this.active) {
      const [namespace = '', name = ''] = key.split('/');
      const pod = this.options.store.get('pods', namespace, name) as (Pod & StoredObject) | undefined;
      if (!pod || !waitsForScheduling(pod)) {
        this.active.delete(key);
        continue;
      }
      if (!best || comesFirst(pod, best)) best = pod;
    }
    if (best) this.active.delete(podKey(best));
    return best;
  }

  /** One scheduling cycle: filter, then bind, or preempt and report why the pod waits. */
  private scheduleOne(pod: Pod & StoredObject): void {
    const { store, nodeName } = this.options;
    const node = store.get('nodes', '', nodeName) as (Node & StoredObject) | undefined;
    if (!node) return this.unschedulableNow(pod, NO_NODES_AVAILABLE, undefined);
    const info = this.nodeInfo(node, pod);
    const failure = runFilters(pod, info);
    if (!failure) return this.bind(pod);
    const outcome = preempt(pod, info, failure);
    if (!outcome.preempted) {
      const message = fitErrorMessage(1, [failure.reasons], outcome.message);
      return this.unschedulableNow(pod, message, outcome.clearNomination ? '' : undefined);
    }
    for (const victim of outcome.victims) this.preemptVictim(victim, pod);
    this.clearLowerNominations(pod, info);
    this.unschedulableNow(pod, fitErrorMessage(1, [failure.reasons]), nodeName);
  }

  /** The node's pods, plus pods nominated to it that are at least as important (RunFilterPluginsWithNominatedPods). */
  private nodeInfo(node: Node, pod: Pod): NodeInfo {
    const { nodeName } = this.options;
    const all = this.options.store.list('pods', undefined).items as unknown as Pod[];
    const priority = podPriority(pod);
    const nominated = all.filter(
      (p) =>
        p.metadata?.uid !== pod.metadata?.uid &&
        !p.spec?.nodeName &&
        !p.metadata?.deletionTimestamp &&
        p.status?.nominatedNodeName === nodeName &&
        podPriority(p) >= priority,
    );
    return { node, pods: [...all.filter((p) => occupiesNode(p, nodeName)), ...nominated] };
  }

  private bind(pod: Pod & StoredObject): void {
    const { nodeName } = this.options;
    const { namespace = '', name, uid } = pod.metadata;
    bindPod(this.options.store, nodeName, {
      namespace,
      name,
      ...(uid ? { uid } : {}),
      nodeName,
      now: this.now(),
    });
    this.events.record(
      pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${namespace}/${name} to ${nodeName}`,
    );
    this.logger.info({ pod: podKey(pod), node: nodeName }, 'pod bound');
  }

  /** handleSchedulingFailure: the condition, the nomination, the event; the pod waits for a change. */
  private unschedulableNow(pod: Pod & StoredObject, message: string, nominated: string | undefined): void {
    this.writes.unschedulable(pod, message, nominated);
    this.events.record(pod, 'Warning', 'FailedScheduling', message);
    this.unschedulable.set(podKey(pod), Date.now());
  }

  private preemptVictim(victim: Pod, preemptor: Pod): void {
    const { nodeName } = this.options;
    this.writes.preempt(victim, preemptor.spec?.schedulerName ?? DEFAULT_SCHEDULER);
    const stored = victim as Pod & StoredObject;
    this.events.record(
      stored,
      'Normal',
      'Preempted',
      `Preempted by pod ${preemptor.metadata?.uid ?? ''} on node ${nodeName}`,
    );
    this.logger.info(
      { victim: podKey(stored), preemptor: podKey(preemptor as StoredObject) },
      'pod preempted',
    );
  }

  /** getLowerPriorityNominatedPods: pods nominated here that the preemptor now outranks lose the nomination. */
  private clearLowerNominations(preemptor: Pod, info: NodeInfo): void {
    const priority = podPriority(preemptor);
    const all = this.options.store.list('pods', undefined).items as unknown as Pod[];
    for (const p of all) {
      if (p.spec?.nodeName || p.status?.nominatedNodeName !== info.node.metadata?.name) continue;
      if (p.metadata?.uid !== preemptor.metadata?.uid && podPriority(p) < priority)
        this.writes.clearNomination(p);
    }
  }
}

/** A pod this scheduler should place: unbound, not being deleted, ungated, and asking for it by name. */
export function waitsForScheduling(pod: Pod): boolean {
  if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return false;
  if ((pod.spec?.schedulingGates ?? []).length > 0) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return (pod.spec?.schedulerName || DEFAULT_SCHEDULER) === DEFAULT_SCHEDULER;
}

/** What of a Node placement reads; heartbeats (conditions' times, images) are left out. */
function placementFacts(node: Node): string {
  return JSON.stringify([
    node.metadata?.labels ?? {},
    node.spec?.taints ?? [],
    node.spec?.unschedulable === true,
    node.status?.allocatable ?? {},
  ]);
}

/** isPodUpdated: a change beyond status and the server's bookkeeping. */
function podChanged(pod: Pod, before: Pod): boolean {
  const facts = (p: Pod) => JSON.stringify([p.spec, p.metadata?.labels, p.metadata?.annotations]);
  return facts(pod) !== facts(before);
}

function comesFirst(a: Pod, b: Pod): boolean {
  const byPriority = podPriority(a) - podPriority(b);
  if (byPriority !== 0) return byPriority > 0;
  return (a.metadata?.creationTimestamp ?? '') < (b.metadata?.creationTimestamp ?? '');
}

function podKey(object: StoredObject | Pod): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
