// Container resource requirements (pkg/apis/core/validation/validation.go validateResourceRequirements,
// validateContainerResourceName, ValidateResourceQuantityValue; name rules from pkg/apis/core/helper).
// Bad values are printed as written: kube prints the quantity's canonical form ("1" for "1000m").
import type { ResourceRequirements } from 'kubernetes-types/core/v1.js';
import { type FieldError, duplicate, forbidden, invalid, invalidEach, notFound, required } from './errors.js';
import { isDNS1123Label, isQualifiedName } from './names.js';
import { quantityFormatError, quantityValue } from './quantity-format.js';

type QuantityList = Record<string, string | number>;

const standardResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
  'requests.storage',
]);
const integerResources = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
const isNative = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');
const isOvercommitAllowed = (name: string): boolean => isNative(name) && !isHugePages(name);

/** Extended resources (example.com/gpu) are counted in whole units and may not be overcommitted. */
function isExtendedResourceName(name: string): boolean {
  if (isNative(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

function isStandardResourceName(name: string): boolean {
  return standardResources.has(name) || isHugePages(name) || name.startsWith('requests.hugepages-');
}

function validateContainerResourceName(name: string, path: string): FieldError[] {
  let errs = invalidEach(path, name, isQualifiedName(name));
  if (errs.length === 0 && !name.includes('/') && !isStandardResourceName(name)) {
    errs = [invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  if (!name.includes('/')) {
    const standard = name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || isHugePages(name);
    if (!standard) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateQuantity(name: string, quantity: string | number, path: string): FieldError[] {
  // A quantity that does not parse never gets past decoding in kube-apiserver; report it here for pods
  // built in code.
  const formatError = quantityFormatError(quantity);
  if (formatError !== undefined) return [invalid(path, String(quantity), formatError)];
  const value = quantityValue(quantity);
  const errs = value < 0 ? [invalid(path, String(quantity), 'must be greater than or equal to 0')] : [];
  if ((integerResources.has(name) || isExtendedResourceName(name)) && !Number.isInteger(value)) {
    errs.push(invalid(path, String(quantity), 'must be an integer'));
  }
  return errs;
}

export function validateResourceRequirements(
  resources: ResourceRequirements | undefined,
  podClaimNames: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const limits: QuantityList = resources?.limits ?? {};
  const requests: QuantityList = resources?.requests ?? {};
  const errs: FieldError[] = [];
  for (const [name, quantity] of Object.entries(limits)) {
    errs.push(...validateContainerResourceName(name, `${path}.limits[${name}]`));
    errs.push(...validateQuantity(name, quantity, `${path}.limits[${name}]`));
  }
  for (const [name, quantity] of Object.entries(requests)) {
    errs.push(...validateContainerResourceName(name, `${path}.requests[${name}]`));
    errs.push(...validateQuantity(name, quantity, `${path}.requests[${name}]`));
    errs.push(...validateRequestAgainstLimit(name, quantity, limits[name], path));
  }
  const names = [...Object.keys(limits), ...Object.keys(requests)];
  if (names.some(isHugePages) && !names.some((n) => n === 'cpu' || n === 'memory')) {
    errs.push(forbidden(path, 'HugePages require cpu or memory'));
  }
  errs.push(...validateClaimReferences(resources?.claims ?? [], podClaimNames, `${path}.claims`));
  return errs;
}

// Both errors name the `requests` map itself, not the key.
function validateRequestAgainstLimit(
  name: string,
  request: string | number,
  limit: string | number | undefined,
  path: string,
): FieldError[] {
  if (limit === undefined) {
    return isOvercommitAllowed(name)
      ? []
      : [required(`${path}.limits`, 'Limit must be set for non overcommitable resources')];
  }
  const [req, lim] = [quantityValue(request), quantityValue(limit)];
  if (req !== lim && !isOvercommitAllowed(name)) {
    return [
      invalid(`${path}.requests`, String(request), `must be equal to ${name} limit of ${String(limit)}`),
    ];
  }
  if (req > lim) {
    return [
      invalid(
        `${path}.requests`,
        String(request),
        `must be less than or equal to ${name} limit of ${String(limit)}`,
      ),
    ];
  }
  return [];
}

// validateResourceClaimNames, for the claim names a container refers to (dynamic resource allocation).
function validateClaimReferences(
  claims: readonly { name?: string; request?: string }[],
  podClaimNames: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  claims.forEach((claim, i) => {
    const name = claim.name ?? '';
    if (name === '') {
      errs.push(required(`${path}[${i}]`));
      return;
    }
    if (claim.request)
      errs.push(...invalidEach(`${path}[${i}].request`, claim.request, isDNS1123Label(claim.request)));
    const key = claim.request ? `${name}/${claim.request}` : name;
    if (seen.has(name) || seen.has(key)) errs.push(duplicate(`${path}[${i}]`, seen.has(name) ? name : key));
    seen.add(key);
    if (!podClaimNames.has(name)) {
      const known = [...podClaimNames].sort();
      const detail = `must be one of the names in pod.spec.resourceClaims${known.length === 0 ? ' which is empty' : `: ${known.join(', ')}`}`;
      errs.push({ ...notFound(`${path}[${i}]`, name), detail });
    }
  });
  return errs;
}
