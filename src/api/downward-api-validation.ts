// Validation of downward API selectors, shared by env valueFrom and downwardAPI/projected volumes
// (pkg/apis/core/validation/validation.go validateObjectFieldSelector, validateContainerResourceFieldSelector;
// pkg/apis/core/pods ConvertDownwardAPIFieldLabel; pkg/fieldpath SplitMaybeSubscriptedPath).
import type { ObjectFieldSelector, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { type FieldError, invalid, invalidEach, notSupported, required } from './errors.js';
import { isQualifiedName } from './names.js';

export const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

export const VOLUME_FIELD_PATHS = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
];

// The field labels a v1 pod's downward API converts (sorted as sets.List prints them).
const convertibleFieldLabels = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

const resourceFieldPaths = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];
const hugePagesPrefixes = ['limits.hugepages-', 'requests.hugepages-'];

/** `metadata.labels['app']` -> ['metadata.labels', 'app']. */
export function splitSubscriptedPath(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const inner = fieldPath.slice(0, -2);
  const at = inner.indexOf("['");
  if (at <= 0) return undefined;
  return [inner.slice(0, at), inner.slice(at + 2)];
}

function convertFieldLabel(apiVersion: string, label: string): string | Error {
  if (apiVersion !== 'v1') return new Error(`unsupported pod version: ${apiVersion}`);
  const subscripted = splitSubscriptedPath(label);
  if (subscripted !== undefined) {
    const [path] = subscripted;
    if (path === 'metadata.annotations' || path === 'metadata.labels') return label;
    return new Error(`field label does not support subscript: ${label}`);
  }
  if (label === 'spec.host') return 'spec.nodeName';
  return convertibleFieldLabels.has(label) ? label : new Error(`field label not supported: ${label}`);
}

export function validateObjectFieldSelector(
  selector: ObjectFieldSelector,
  allowed: readonly string[],
  path: string,
): FieldError[] {
  if (!selector.apiVersion) return [required(`${path}.apiVersion`)];
  if (!selector.fieldPath) return [required(`${path}.fieldPath`)];
  const converted = convertFieldLabel(selector.apiVersion, selector.fieldPath);
  if (converted instanceof Error) {
    return [
      invalid(`${path}.fieldPath`, selector.fieldPath, `error converting fieldPath: ${converted.message}`),
    ];
  }
  const subscripted = splitSubscriptedPath(converted);
  if (subscripted !== undefined) {
    const [field, key] = subscripted;
    if (field === 'metadata.annotations')
      return invalidEach(path, key.toLowerCase(), isQualifiedName(key.toLowerCase()));
    if (field === 'metadata.labels') return invalidEach(path, key, isQualifiedName(key));
    return [invalid(path, field, 'does not support subscript')];
  }
  return allowed.includes(converted) ? [] : [notSupported(`${path}.fieldPath`, converted, allowed)];
}

/** `forVolume`: a volume file must name its container; env refers to the container it belongs to. */
export function validateResourceFieldSelector(
  selector: ResourceFieldSelector,
  path: string,
  forVolume: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const resource = selector.resource ?? '';
  if (forVolume && !selector.containerName) {
    errs.push(required(`${path}.containerName`));
  } else if (!resource) {
    errs.push(required(`${path}.resource`));
  } else if (
    !resourceFieldPaths.includes(resource) &&
    !hugePagesPrefixes.some((p) => resource.startsWith(p))
  ) {
    errs.push(notSupported(`${path}.resource`, resource, resourceFieldPaths));
  }
  errs.push(...validateDivisor(resource, selector.divisor, path));
  return errs;
}

const cpuDivisors = ['1m', '1'];
const byteDivisors = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

// validateContainerResourceDivisor compares the divisor's canonical form; without quantity canonicalisation
// the text as written is compared, so an equivalent spelling such as "1000m" is refused.
function validateDivisor(resource: string, divisor: string | number | undefined, path: string): FieldError[] {
  if (divisor === undefined || divisor === 0 || divisor === '0') return [];
  const text = String(divisor);
  const field = `${path}.divisor`;
  if (resource === 'limits.cpu' || resource === 'requests.cpu') {
    return cpuDivisors.includes(text)
      ? []
      : [invalid(field, resource, "only divisor's values 1m and 1 are supported with the cpu resource")];
  }
  const kind = byteDivisorResource(resource);
  if (kind === undefined || byteDivisors.includes(text)) return [];
  return [
    invalid(
      field,
      resource,
      `only divisor's values ${byteDivisors.join(', ')} are supported with the ${kind}`,
    ),
  ];
}

function byteDivisorResource(resource: string): string | undefined {
  if (resource === 'limits.memory' || resource === 'requests.memory') return 'memory resource';
  if (resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') {
    return 'local ephemeral storage resource';
  }
  return hugePagesPrefixes.some((p) => resource.startsWith(p)) ? 'hugepages resource' : undefined;
}
