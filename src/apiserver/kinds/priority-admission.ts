// The Priority admission plugin on pod create (plugin/pkg/admission/priority/admission.go admitPod): the pod's
// PriorityClass (or the global default class, or none) gives spec.priority and spec.preemptionPolicy; a pod that
// names a missing class, or sets a priority or policy other than its class's, is refused.
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import type { StoredObject } from '../../api/object.js';
import { forbidden } from '../status.js';
import { defaultClass } from './priority-classes.js';

/** Fills spec.priority, spec.preemptionPolicy (and the default class's name); throws a 403 on a refusal. */
export function admitPodPriority(pod: Pod, classes: readonly StoredObject[]): void {
  const spec: PodSpec = pod.spec ?? { containers: [] };
  const name = pod.metadata?.name ?? '';
  const all = classes as unknown as PriorityClass[];
  let priority = 0;
  let policy: string | undefined = 'PreemptLowerPriority';
  if (!spec.priorityClassName) {
    const dpc = defaultClass(all);
    if (dpc) {
      spec.priorityClassName = dpc.metadata?.name ?? '';
      priority = dpc.value;
      policy = dpc.preemptionPolicy;
    }
  } else {
    const pc = all.find((c) => c.metadata?.name === spec.priorityClassName);
    if (!pc) throw refuse(name, `no PriorityClass with name ${spec.priorityClassName} was found`);
    priority = pc.value;
    policy = pc.preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== priority) {
    throw refuse(
      name,
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    );
  }
  spec.priority = priority;
  if (policy !== undefined) {
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
      throw refuse(
        name,
        `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
      );
    }
    spec.preemptionPolicy = policy;
  }
}

function refuse(name: string, why: string): Error {
  return forbidden('pods', name, why);
}
