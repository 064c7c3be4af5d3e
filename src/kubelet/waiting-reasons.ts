// Why each container of a pod is waiting, for what the runtime cannot tell: an image pull, a back-off, a config or
// hook error (pkg/kubelet/reason_cache.go ReasonCache). The pod worker, the container starter and the postStart hook
// all write it; the status manager reads it.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerWaitingInfo } from './status/facts.js';

export class WaitingReasons {
  /** Per pod UID, per container name: why it is waiting. */
  private readonly waiting = new Map<string, Map<string, ContainerWaitingInfo>>();

  /** The waiting reasons of a pod's containers. */
  of(podUid: string): ReadonlyMap<string, ContainerWaitingInfo> {
    return this.waiting.get(podUid) ?? new Map();
  }

  set(pod: Pod, name: string, info: ContainerWaitingInfo | undefined): void {
    const uid = pod.metadata?.uid ?? '';
    let reasons = this.waiting.get(uid);
    if (!reasons) this.waiting.set(uid, (reasons = new Map()));
    if (info) reasons.set(name, info);
    else reasons.delete(name);
  }

  forgetPod(podUid: string): void {
    this.waiting.delete(podUid);
  }
}
