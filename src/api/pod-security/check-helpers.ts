// What every Pod Security check shares (pod-security-admission policy/{checks,helpers,visitor}.go).
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

/** A forbidden result; a check that allows the pod returns undefined. */
export interface Violation {
  forbiddenReason: string;
  forbiddenDetail: string;
}

export type CheckFn = (meta: ObjectMeta, spec: PodSpec) => Violation | undefined;

/** The fields of a container (init, regular or ephemeral) that the checks read. */
export type CheckedContainer = Pick<Container, 'name' | 'securityContext' | 'ports'>;

/** visitContainers: init containers, then containers, then ephemeral containers. */
export function allContainers(spec: PodSpec): CheckedContainer[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** joinQuote: `"a", "b"` with no escaping (unlike %q). */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** sets.NewString(...).List(): unique and in Go's byte order. */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Names of the containers for which `bad` holds. */
export function badContainerNames(spec: PodSpec, bad: (c: CheckedContainer) => boolean): string[] {
  return allContainers(spec)
    .filter(bad)
    .map((c) => c.name);
}

/** `pod and containers "a", "b"`: who set a forbidden value, pod first. */
export function settersPhrase(podIsBad: boolean, containers: readonly string[]): string[] {
  const setters = podIsBad ? ['pod'] : [];
  if (containers.length > 0) setters.push(containersPhrase(containers));
  return setters;
}

/** Pod API validation forbids the Linux-only fields on Windows pods, so some checks skip them (from v1.25). */
export function isWindowsPod(spec: PodSpec): boolean {
  return spec.os?.name === 'windows';
}
