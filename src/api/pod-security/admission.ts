// PodSecurity admission of a pod create or update (pod-security-admission admission/admission.go ValidatePod and
// EvaluatePod, with the in-tree plugin's Forbidden status): enforce rejects, warn adds response warnings, audit
// yields the text kube-apiserver puts in the audit annotation.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { goQuote } from '../errors.js';
import { formatLevelVersion, policyToEvaluate, type LevelVersion } from './policy.js';
import { evaluatePodSpec, forbiddenDetail } from './registry.js';

export interface PodAdmission {
  /** The 403 Forbidden Status message: `pods "x" is forbidden: violates PodSecurity "restricted:latest": ...`. */
  denied?: string;
  /** `would violate PodSecurity "baseline:latest": ...`; kubectl prints each as `Warning: ...`. None when denied. */
  warnings: string[];
  /** The `pod-security.kubernetes.io/audit-violations` audit annotation, when the audit level is violated. */
  auditViolation?: string;
}

// Subresources that cannot change what the checks read (admission.go ignoredPodSubresources);
// ephemeralcontainers and resize are evaluated.
const ignoredSubresources = new Set([
  'exec',
  'attach',
  'binding',
  'eviction',
  'log',
  'portforward',
  'proxy',
  'status',
]);

/** Whether a write to this pod subresource skips PodSecurity (`''` for the pod itself is evaluated). */
export function isIgnoredPodSubresource(subresource: string): boolean {
  return ignoredSubresources.has(subresource);
}

/**
 * Evaluates a pod against its namespace's labels. The pod must carry its final name (generateName resolved).
 * Invalid labels still evaluate, with upstream's fallbacks (see policyToEvaluate).
 */
export function admitPod(
  pod: Pod,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): PodAdmission {
  const { policy, errors } = policyToEvaluate(namespaceLabels);
  const allPrivileged = [policy.enforce, policy.warn, policy.audit].every((lv) => lv.level === 'privileged');
  if (errors.length === 0 && allPrivileged) return { warnings: [] };

  const spec = pod.spec ?? { containers: [] };
  const cache = new Map<string, string>();
  // Modes sharing a level and version share one evaluation, as upstream caches them.
  const detail = (lv: LevelVersion): string => {
    const key = formatLevelVersion(lv);
    let text = cache.get(key);
    if (text === undefined) {
      text = forbiddenDetail(evaluatePodSpec(pod.metadata, spec, lv.level, lv.version));
      cache.set(key, text);
    }
    return text;
  };

  const result: PodAdmission = { warnings: [] };
  const enforced = detail(policy.enforce);
  if (enforced !== '') {
    result.denied = `pods ${goQuote(pod.metadata?.name ?? '')} is forbidden: violates PodSecurity ${goQuote(formatLevelVersion(policy.enforce))}: ${enforced}`;
  }
  const audited = detail(policy.audit);
  if (audited !== '') result.auditViolation = wouldViolate(policy.audit, audited);
  if (result.denied === undefined) {
    const warned = detail(policy.warn);
    if (warned !== '') result.warnings.push(wouldViolate(policy.warn, warned));
  }
  return result;
}

function wouldViolate(lv: LevelVersion, detail: string): string {
  return `would violate PodSecurity ${goQuote(formatLevelVersion(lv))}: ${detail}`;
}

type ContainerLike = Pick<Container, 'name' | 'image'>;

/**
 * isSignificantPodUpdate: an update is evaluated only when it can change the outcome, i.e. when containers are
 * added or removed, an image or a container's seccomp annotation changes, or an ephemeral container appears.
 * Other updates are always allowed, so a namespace tightened later does not block label or status edits.
 */
export function isSignificantPodUpdate(pod: Pod, oldPod: Pod): boolean {
  const annotations = pod.metadata?.annotations ?? {};
  const oldAnnotations = oldPod.metadata?.annotations ?? {};
  const changed = (c: ContainerLike, old: ContainerLike): boolean => {
    const key = `container.seccomp.security.alpha.kubernetes.io/${c.name}`;
    return c.image !== old.image || annotations[key] !== oldAnnotations[key];
  };
  const lists = (p: Pod): ContainerLike[][] => [p.spec?.containers ?? [], p.spec?.initContainers ?? []];
  const [newLists, oldLists] = [lists(pod), lists(oldPod)];
  for (const [i, list] of newLists.entries()) {
    const oldList = oldLists[i] ?? [];
    if (list.length !== oldList.length) return true;
    if (list.some((c, j) => changed(c, oldList[j] ?? { name: '' }))) return true;
  }
  const oldEphemeral = oldPod.spec?.ephemeralContainers ?? [];
  return (pod.spec?.ephemeralContainers ?? []).some((c) => {
    const old = oldEphemeral.find((o) => o.name === c.name);
    return old === undefined || changed(c, old);
  });
}
