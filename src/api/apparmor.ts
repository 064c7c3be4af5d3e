// AppArmor on a pod: the `appArmorProfile` fields and the deprecated per-container annotation, as kube-apiserver
// syncs and checks them (pkg/registry/core/pod/strategy.go applyAppArmorVersionSkew, pkg/apis/core/validation
// ValidateAppArmorPodAnnotations, ValidateAppArmorAnnotationsAndFieldsMatchOnCreate) and as the kubelet and the
// runtime read them (pkg/security/apparmor/helpers.go GetProfile).
import type { AppArmorProfile, Container, Pod } from 'kubernetes-types/core/v1.js';
import { type FieldError, forbidden, invalid } from './errors.js';

export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const RUNTIME_DEFAULT = 'runtime/default';
const UNCONFINED = 'unconfined';
const LOCALHOST_PREFIX = 'localhost/';

interface NamedContainer {
  container: Container;
  /** Its path in the pod, e.g. `spec.initContainers[0]`. */
  path: string;
}

/** Every container of the pod with its field path, in VisitContainersWithPath's order. */
function containersOf(pod: Pod): NamedContainer[] {
  const spec = pod.spec;
  const lists = [
    ['initContainers', spec?.initContainers ?? []],
    ['containers', spec?.containers ?? []],
    ['ephemeralContainers', (spec?.ephemeralContainers ?? []) as Container[]],
  ] as const;
  return lists.flatMap(([field, list]) =>
    list.map((container, i) => ({ container, path: `spec.${field}[${i}]` })),
  );
}

/** The field an annotation value stands for; undefined for a value that names no profile. */
export function profileForAnnotation(value: string): AppArmorProfile | undefined {
  if (value === RUNTIME_DEFAULT) return { type: 'RuntimeDefault' };
  if (value === UNCONFINED) return { type: 'Unconfined' };
  if (value.startsWith(LOCALHOST_PREFIX)) {
    const name = value.slice(LOCALHOST_PREFIX.length);
    // ValidateAppArmorProfileField refuses an empty or padded name: such an annotation is not copied.
    return name !== '' && name.trim() === name ? { type: 'Localhost', localhostProfile: name } : undefined;
  }
  return undefined;
}

function sameProfile(a: AppArmorProfile | undefined, b: AppArmorProfile | undefined): boolean {
  return a?.type === b?.type && a?.localhostProfile === b?.localhostProfile;
}

/**
 * On create, a container's annotation fills its missing field (unless the pod-level field already says the same);
 * each annotation left without a field of its own earns the deprecation warning. Returns the warnings.
 */
export function syncAppArmorAnnotations(pod: Pod): string[] {
  if (pod.spec?.os?.name === 'windows') return [];
  const annotations = pod.metadata?.annotations ?? {};
  const podProfile = pod.spec?.securityContext?.appArmorProfile;
  const warnings: string[] = [];
  for (const { container } of containersOf(pod)) {
    const key = APPARMOR_ANNOTATION_PREFIX + container.name;
    const annotation = annotations[key];
    if (annotation === undefined || container.securityContext?.appArmorProfile !== undefined) continue;
    const profile = profileForAnnotation(annotation);
    if (profile !== undefined && !sameProfile(profile, podProfile)) {
      container.securityContext = { ...container.securityContext, appArmorProfile: profile };
    }
    warnings.push(
      `metadata.annotations[${key}]: deprecated since v1.30; use the "appArmorProfile" field instead`,
    );
  }
  return warnings;
}

/** ValidateAppArmorPodAnnotations: each annotation names a container of the pod and a well-formed profile. */
export function validateAppArmorAnnotations(pod: Pod): FieldError[] {
  const names = new Set(containersOf(pod).map((c) => c.container.name));
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(pod.metadata?.annotations ?? {})) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const path = `metadata.annotations[${key}]`;
    const name = key.slice(APPARMOR_ANNOTATION_PREFIX.length);
    if (!names.has(name)) errs.push(invalid(path, name, 'container not found'));
    if (
      value !== '' &&
      value !== RUNTIME_DEFAULT &&
      value !== UNCONFINED &&
      !value.startsWith(LOCALHOST_PREFIX)
    ) {
      errs.push(invalid(path, value, `invalid AppArmor profile name: ${JSON.stringify(value)}`));
    }
  }
  return errs;
}

/** ValidateAppArmorAnnotationsAndFieldsMatchOnCreate: where both are given, annotation and field agree. */
export function validateAppArmorFieldsMatch(pod: Pod): FieldError[] {
  if (pod.spec?.os?.name === 'windows') return [];
  const annotations = pod.metadata?.annotations ?? {};
  const errs: FieldError[] = [];
  for (const { container, path } of containersOf(pod)) {
    const profile = container.securityContext?.appArmorProfile ?? pod.spec?.securityContext?.appArmorProfile;
    const annotation = annotations[APPARMOR_ANNOTATION_PREFIX + container.name];
    if (profile === undefined || annotation === undefined) continue;
    const field = `${path}.securityContext.appArmorProfile`;
    const local = profile.type === 'Localhost';
    const typeMatches = local
      ? annotation.startsWith(LOCALHOST_PREFIX)
      : annotation === (profile.type === 'Unconfined' ? UNCONFINED : RUNTIME_DEFAULT);
    if (!typeMatches)
      errs.push(forbidden(`${field}.type`, 'apparmor type in annotation and field must match'));
    else if (local && annotation.slice(LOCALHOST_PREFIX.length) !== profile.localhostProfile) {
      errs.push(
        forbidden(`${field}.localhostProfile`, 'apparmor profile in annotation and field must match'),
      );
    }
  }
  return errs;
}

/** The profile a container runs with: its own field, else the pod's, else its annotation (GetProfile). */
export function effectiveAppArmorProfile(pod: Pod, container: Container): AppArmorProfile | undefined {
  return (
    container.securityContext?.appArmorProfile ??
    pod.spec?.securityContext?.appArmorProfile ??
    profileForAnnotation(pod.metadata?.annotations?.[APPARMOR_ANNOTATION_PREFIX + container.name] ?? '')
  );
}

/** isRequired: a field or an annotation asks for a profile other than Unconfined. */
export function appArmorRequired(pod: Pod): boolean {
  const confining = (p: AppArmorProfile | undefined) => p !== undefined && p.type !== 'Unconfined';
  if (confining(pod.spec?.securityContext?.appArmorProfile)) return true;
  if (containersOf(pod).some(({ container }) => confining(container.securityContext?.appArmorProfile)))
    return true;
  return Object.entries(pod.metadata?.annotations ?? {}).some(
    ([key, value]) => key.startsWith(APPARMOR_ANNOTATION_PREFIX) && value !== UNCONFINED,
  );
}
