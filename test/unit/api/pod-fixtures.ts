import type { Container, Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { fieldErrorMessage } from '../../../src/api/errors.js';
import { defaultPod } from '../../../src/api/pod-defaults.js';
import { validatePod } from '../../../src/api/pod-validation.js';

export const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** A pod named p with one container c running nginx, with the given spec fields and container fields. */
export function podWith(spec: Partial<PodSpec> = {}, container: Partial<Container> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'nginx', ...container }], ...spec },
  };
}

/** The messages kube-apiserver would give for creating this pod. */
export function errorsOf(pod: Pod): string[] {
  return validatePod(defaultPod(pod)).map(fieldErrorMessage);
}

export const containerErrors = (container: Partial<Container>): string[] => errorsOf(podWith({}, container));
