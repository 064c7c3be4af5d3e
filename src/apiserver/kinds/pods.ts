// Pods (pkg/registry/core/pod/strategy.go and the admission plugins a default kube-apiserver runs): defaults,
// priority, validation, the update rules, graceful deletion. Placement is the scheduler's (src/scheduler).
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { forbidden, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { defaultPod } from '../../api/pod-defaults.js';
import { decodePod } from '../../api/pod-schema.js';
import { admitPod, isSignificantPodUpdate } from '../../api/pod-security/admission.js';
import { syncAppArmorAnnotations } from '../../api/apparmor.js';
import { hostPortsOf, podTrapWarnings } from '../../api/pod-traps.js';
import { podWarnings, validatePod } from '../../api/pod-validation.js';
import { computeQosClass } from '../../api/qos.js';
import { kubeTime } from '../../api/time.js';
import { admitPodPriority } from './priority-admission.js';
import { PRIORITY_CLASSES } from './priority-classes.js';
import { admitServiceAccount } from './service-account-admission.js';
import type { KindStrategy, StrategyContext } from './types.js';

/** The tolerations DefaultTolerationSeconds admission adds to every pod (plugin/pkg/admission/defaulttolerationseconds). */
const DEFAULT_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

export const podStrategy: KindStrategy = {
  kind: 'Pod',
  decode(body) {
    const result = decodePod(body);
    const first = result.typeErrors[0];
    return {
      object: result.pod as KubeObject,
      unknownFields: result.unknownFields,
      ...(first
        ? { typeError: `Pod in version "v1" cannot be handled as a Pod: ${first.detail ?? ''}` }
        : {}),
    };
  },
  prepareForCreate(object, ctx) {
    const pod = defaultPod(object as Pod);
    for (const warning of syncAppArmorAnnotations(pod)) ctx.warn?.(warning);
    admit(pod, ctx);
    Object.assign(object, pod);
  },
  validate: (object) => validatePod(object as Pod),
  // Updates are checked only when they could change what runs (pod-security admission's significant updates).
  admit: (object, namespaceLabels, old) =>
    old !== undefined && !isSignificantPodUpdate(object as Pod, old as unknown as Pod)
      ? { warnings: [] }
      : admitPod(object as Pod, namespaceLabels),
  warnings(object, ctx) {
    const pod = object as Pod;
    // The node it will run on: the one it names, else the one podlet's scheduler has.
    const node = pod.spec?.nodeName || ctx.nodeName;
    const others = ctx
      .list('pods')
      .map((o) => o as unknown as Pod)
      .filter(
        (p) => p.spec?.nodeName === node && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
      );
    return [...podWarnings(pod), ...podTrapWarnings(pod, hostPortsOf(others))];
  },
  prepareForUpdate(object, old) {
    object.status = old.status;
    // Priority admission on update: what it set at create stays when the update leaves it out.
    const spec = (object as Pod).spec;
    const before = (old as unknown as Pod).spec;
    if (spec && spec.priority === undefined && before?.priority !== undefined)
      spec.priority = before.priority;
    if (spec && spec.preemptionPolicy === undefined && before?.preemptionPolicy !== undefined)
      spec.preemptionPolicy = before.preemptionPolicy;
  },
  validateUpdate: (object, old) => validatePodUpdate(object as Pod, old as Pod),
  fieldValue(object, field) {
    const pod = object as unknown as Pod;
    switch (field) {
      case 'spec.nodeName':
        return pod.spec?.nodeName ?? '';
      case 'spec.restartPolicy':
        return pod.spec?.restartPolicy ?? '';
      case 'spec.schedulerName':
        return pod.spec?.schedulerName ?? '';
      case 'spec.serviceAccountName':
        return pod.spec?.serviceAccountName ?? '';
      case 'spec.hostNetwork':
        return String(pod.spec?.hostNetwork === true);
      case 'status.phase':
        return pod.status?.phase ?? '';
      case 'status.podIP':
        return pod.status?.podIP ?? '';
      case 'status.nominatedNodeName':
        return pod.status?.nominatedNodeName ?? '';
      default:
        return undefined;
    }
  },
  gracePeriod(object, requested) {
    const pod = object as unknown as Pod;
    // CheckGracefulDelete: a pod no node runs, or one that has finished, goes at once.
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    // A negative grace period is treated as 1 (pkg/api/pod/util.go), never as "now".
    return grace < 0 ? 1 : grace;
  },
  specChanged: (object, old) => JSON.stringify(object.spec) !== JSON.stringify(old.spec),
};

/**
 * What admission adds on a real cluster: the service account and its API access volume, priority (Priority
 * admission), the default tolerations, and a fresh status. spec.nodeName stays as given: the scheduler binds.
 */
function admit(pod: Pod, ctx: StrategyContext): void {
  // NamespaceLifecycle admission runs first: a pod for a missing namespace is refused for that, not for its account.
  const namespace = pod.metadata?.namespace ?? '';
  if (ctx.list?.('namespaces').some((ns) => ns.metadata.name === namespace))
    admitServiceAccount(pod, ctx.list('serviceaccounts'));
  const spec = pod.spec ?? { containers: [] };
  admitPodPriority(pod, ctx.list?.(PRIORITY_CLASSES) ?? []);
  const tolerations = spec.tolerations ?? [];
  for (const t of DEFAULT_TOLERATIONS) {
    if (!tolerations.some((x) => x.key === t.key && (x.effect ?? t.effect) === t.effect))
      tolerations.push({ ...t });
  }
  spec.tolerations = tolerations;
  const gated = (spec.schedulingGates ?? []).length > 0;
  const status: PodStatus = { phase: 'Pending', qosClass: computeQosClass(pod) };
  // Upstream the scheduler's PreEnqueue writes this; podlet writes it on create, where nothing else would.
  if (gated)
    status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
        lastProbeTime: null as unknown as string,
        lastTransitionTime: kubeTime(ctx.now),
      },
    ];
  Object.assign(pod, { status });
}

/** Fields a pod update may change (validation.go ValidatePodUpdate); everything else in spec is immutable. */
function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  // Ephemeral containers arrive through their subresource; on update they are the old pod's, not "set on create".
  const errs = validatePod(pod).filter((e) => e.field !== 'spec.ephemeralContainers');
  const mutable = (p: Pod) => {
    const spec = structuredClone(p.spec ?? { containers: [] });
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) c.image = '';
    delete spec.activeDeadlineSeconds;
    delete spec.tolerations;
    delete spec.schedulingGates;
    return JSON.stringify(spec);
  };
  if (mutable(pod) !== mutable(old)) {
    errs.push(
      forbidden(
        'spec',
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ),
    );
  }
  return errs;
}
