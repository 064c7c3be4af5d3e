// The security settings the kubelet sends for one container: pod-level values with the container's overriding
// them field by field (pkg/securitycontext/util.go DetermineEffectiveSecurityContext,
// pkg/kubelet/kuberuntime/security_context.go determineEffectiveSecurityContext, AddNoNewPrivileges).
import type { Capabilities, Container, Pod, SeccompProfile } from 'kubernetes-types/core/v1.js';

export interface EffectiveSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  /** Checked by the kubelet against the user the container will run as (verifyRunAsNonRoot). */
  runAsNonRoot: boolean;
  privileged: boolean;
  readOnlyRootFilesystem: boolean;
  /** Only an explicit allowPrivilegeEscalation: false sets no_new_privs. */
  noNewPrivileges: boolean;
  capabilities?: Capabilities;
  /** procMount Unmasked: no masked or read-only /proc paths. */
  unmaskedProc: boolean;
  /** fsGroup, then supplementalGroups, as the kubelet lists them. */
  supplementalGroups: number[];
  /** supplementalGroupsPolicy (v1.31+; Merge unless Strict). */
  mergeImageGroups: boolean;
  /** The container's profile, else the pod's (kuberuntime helpers.go getSeccompProfile); none means Unconfined. */
  seccompProfile?: SeccompProfile;
}

/** PodSecurityContext.supplementalGroupsPolicy, newer than the installed kubernetes-types. */
type PodSecurityContextWithPolicy = NonNullable<NonNullable<Pod['spec']>['securityContext']> & {
  supplementalGroupsPolicy?: string;
};

export function effectiveSecurityContext(pod: Pod, container: Container): EffectiveSecurityContext {
  const podSc: PodSecurityContextWithPolicy = pod.spec?.securityContext ?? {};
  const sc = container.securityContext ?? {};
  const runAsUser = sc.runAsUser ?? podSc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? podSc.runAsGroup;
  const seccompProfile = sc.seccompProfile ?? podSc.seccompProfile;
  return {
    ...(runAsUser === undefined ? {} : { runAsUser }),
    ...(runAsGroup === undefined ? {} : { runAsGroup }),
    runAsNonRoot: (sc.runAsNonRoot ?? podSc.runAsNonRoot) === true,
    privileged: sc.privileged === true,
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem === true,
    noNewPrivileges: sc.allowPrivilegeEscalation === false,
    ...(sc.capabilities ? { capabilities: sc.capabilities } : {}),
    unmaskedProc: sc.procMount === 'Unmasked',
    supplementalGroups: podSupplementalGroups(pod),
    mergeImageGroups: podSc.supplementalGroupsPolicy !== 'Strict',
    ...(seccompProfile ? { seccompProfile } : {}),
  };
}

/** fsGroup and supplementalGroups of the pod, which the sandbox gets as well. */
export function podSupplementalGroups(pod: Pod): number[] {
  const podSc = pod.spec?.securityContext;
  return [...(podSc?.fsGroup === undefined ? [] : [podSc.fsGroup]), ...(podSc?.supplementalGroups ?? [])];
}
