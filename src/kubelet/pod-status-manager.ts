// The kubelet's status manager step (pkg/kubelet/status/status_manager.go): the last status computed for each pod,
// the next one computed from the runtime state and the kubelet's facts, and where it is written. The last status
// is also the base of the next one and of admission and eviction decisions.
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { PodRuntimeState } from '../runtime/runtime.js';
import type { RuntimePaths } from '../runtime/paths.js';
import type { ProbeManager } from './prober/probe-manager.js';
import type { ContainerWaitingInfo, PodFailure } from './status/facts.js';
import { computePodStatus } from './status/pod-status.js';
import { TerminationMessages } from './termination-messages.js';

/** Where pod status goes: the API server's store (through the mirror pod for a static pod). */
export interface PodStatusSink {
  /** The status stored for the pod, the base of the first status this kubelet process computes for it. */
  stored(pod: Pod): PodStatus | undefined;
  /** Writes the status when it differs from the stored one. */
  write(pod: Pod, status: PodStatus): Promise<void>;
  /** A pod marked for deletion has been stopped and torn down: it may go for good. */
  terminated(pod: Pod): Promise<void>;
}

export interface PodStatusManagerDeps {
  sink: PodStatusSink | undefined;
  paths: RuntimePaths;
  nodeIP: string;
  /** The pod worker's waiting reasons of a pod's containers. */
  waitingReasons(podUid: string): ReadonlyMap<string, ContainerWaitingInfo>;
  probes: Pick<ProbeManager, 'readiness' | 'started'>;
}

/** What the kubelet decided about a pod as a whole, beyond what the runtime shows. */
export interface PodVerdict {
  terminating?: boolean;
  failure?: PodFailure | undefined;
  blocked?: PodFailure;
}

export class PodStatusManager {
  private readonly statuses = new Map<string, PodStatus>();
  private readonly messages: TerminationMessages;

  constructor(private readonly deps: PodStatusManagerDeps) {
    this.messages = new TerminationMessages(deps.paths);
  }

  /** The status this process last computed, else the stored one, else the pod's own. */
  last(pod: Pod): PodStatus | undefined {
    return this.statuses.get(pod.metadata?.uid ?? '') ?? this.deps.sink?.stored(pod) ?? pod.status;
  }

  /** The status manager's step: compute from the runtime and the kubelet's facts, remember, write. */
  async update(pod: Pod, state: PodRuntimeState, verdict: PodVerdict): Promise<PodStatus> {
    const uid = pod.metadata?.uid ?? '';
    const sandbox = state.sandboxes.find((s) => s.state === 'ready');
    const status = computePodStatus(
      pod,
      state,
      {
        waiting: this.deps.waitingReasons(uid),
        terminationMessages: await this.messages.of(pod, state.containers),
        readiness: this.deps.probes.readiness(uid),
        started: this.deps.probes.started(uid),
        hostIP: this.deps.nodeIP,
        podIPs: sandbox?.record.ips ?? [],
        terminating: verdict.terminating === true,
        ...(verdict.failure ? { failure: verdict.failure } : {}),
        ...(verdict.blocked ? { blocked: verdict.blocked } : {}),
      },
      this.last(pod),
      new Date(),
    );
    await this.write(pod, status);
    return status;
  }

  async write(pod: Pod, status: PodStatus): Promise<void> {
    this.statuses.set(pod.metadata?.uid ?? '', status);
    await this.deps.sink?.write(pod, status);
  }

  forgetPod(uid: string): void {
    this.statuses.delete(uid);
    this.messages.forgetPod(uid);
  }
}
