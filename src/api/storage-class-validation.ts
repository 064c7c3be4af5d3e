// StorageClass validation as kube-apiserver v1.33 runs it (pkg/apis/storage/validation/validation.go
// ValidateStorageClass, ValidateStorageClassUpdate); metadata is checked by the caller.
import type { TopologySelectorTerm } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import {
  type FieldError,
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  notSupported,
  required,
  tooLong,
} from './errors.js';
import { isQualifiedName } from './names.js';
import { validateTopologyTerm } from './selector-validation.js';

// sets.List order (sorted), which is how upstream lists supported values.
const reclaimPolicies = ['Delete', 'Retain'];
const bindingModes = ['Immediate', 'WaitForFirstConsumer'];
const maxParameters = 512;
const maxParameterBytes = 256 * 1024;

export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = sc.provisioner ?? '';
  if (provisioner === '') errs.push(required('provisioner'));
  else
    errs.push(
      ...invalidEach('provisioner', provisioner.toLowerCase(), isQualifiedName(provisioner.toLowerCase())),
    );
  errs.push(...validateParameters(sc.parameters));
  if (sc.reclaimPolicy && !reclaimPolicies.includes(sc.reclaimPolicy))
    errs.push(notSupported('reclaimPolicy', sc.reclaimPolicy, reclaimPolicies));
  if (sc.volumeBindingMode === undefined) errs.push(required('volumeBindingMode'));
  else if (!bindingModes.includes(sc.volumeBindingMode))
    errs.push(notSupported('volumeBindingMode', sc.volumeBindingMode, bindingModes));
  errs.push(...validateAllowedTopologies(sc.allowedTopologies ?? []));
  return errs;
}

/** ValidateStorageClass then ValidateStorageClassUpdate, as the storage class strategy runs them. */
export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs = validateStorageClass(sc);
  // reflect.DeepEqual: an absent map and an empty one differ.
  if (JSON.stringify(sortedKeys(sc.parameters)) !== JSON.stringify(sortedKeys(old.parameters)))
    errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner)
    errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy)
    errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (sc.volumeBindingMode !== old.volumeBindingMode)
    errs.push(invalid('volumeBindingMode', sc.volumeBindingMode, 'field is immutable'));
  return errs;
}

// A term repeating an earlier one (the same keys with the same value sets) is a duplicate.
function validateAllowedTopologies(terms: readonly TopologySelectorTerm[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  terms.forEach((term, i) => {
    const path = `allowedTopologies[${i}].matchLabelExpressions`;
    const exprs = term.matchLabelExpressions ?? [];
    errs.push(...validateTopologyTerm(exprs, path));
    const sets = new Map(exprs.map((e) => [e.key, [...new Set(e.values ?? [])].sort()]));
    const key = JSON.stringify([...sets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (seen.has(key)) errs.push(duplicate(path, ''));
    seen.add(key);
  });
  return errs;
}

function validateParameters(params: Record<string, string> | undefined): FieldError[] {
  const entries = Object.entries(params ?? {});
  if (entries.length > maxParameters) return [tooLong('parameters', maxParameters)];
  const errs = entries
    .filter(([k]) => k === '')
    .map(([k]) => invalid('parameters', k, 'field can not be empty.'));
  const size = entries.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > maxParameterBytes) errs.push(tooLong('parameters', maxParameterBytes));
  return errs;
}

function sortedKeys(map: Record<string, string> | undefined): [string, string][] | null {
  return map === undefined ? null : Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
