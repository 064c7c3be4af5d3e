// Selector validation with kube-apiserver's messages: metav1 ValidateLabelSelector (apimachinery
// pkg/apis/meta/v1/validation), and core's ValidateNodeSelector and ValidateTopologySelectorTerm
// (pkg/apis/core/validation/validation.go), as PersistentVolumeClaims, PersistentVolumes and StorageClasses
// use them.
import type {
  NodeSelector,
  NodeSelectorRequirement,
  TopologySelectorLabelRequirement,
} from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { type FieldError, duplicate, forbidden, invalid, invalidEach, required } from './errors.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from './names.js';
import { validateLabels } from './object-meta-validation.js';

type SelectorRequirement = Pick<NodeSelectorRequirement, 'key' | 'operator' | 'values'>;

/** ValidateTopologySelectorTerm: values required and unique, keys qualified names used once. */
export function validateTopologyTerm(
  exprs: readonly TopologySelectorLabelRequirement[],
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const keys = new Set<string>();
  exprs.forEach((expr, i) => {
    const values = expr.values ?? [];
    if (values.length === 0) errs.push(required(`${path}[${i}].values`));
    values.forEach((v, j) => {
      if (values.indexOf(v) < j) errs.push(duplicate(`${path}[${i}].values[${j}]`, v));
    });
    errs.push(...invalidEach(`${path}[${i}].key`, expr.key ?? '', isQualifiedName(expr.key ?? '')));
    if (keys.has(expr.key ?? '')) errs.push(duplicate(`${path}[${i}].key`, expr.key ?? ''));
    keys.add(expr.key ?? '');
  });
  return errs;
}

/** metav1 validation.ValidateLabelSelector (without AllowInvalidLabelValueInSelector). */
export function validateLabelSelector(selector: LabelSelector, path: string): FieldError[] {
  const errs = validateLabels(selector.matchLabels, `${path}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((e, i) => {
    errs.push(...validateRequirement(e, `${path}.matchExpressions[${i}]`, false));
  });
  return errs;
}

/** ValidateNodeSelector: terms of label requirements (matchExpressions) and of node names (matchFields). */
export function validateNodeSelector(selector: NodeSelector, path: string): FieldError[] {
  const terms = selector.nodeSelectorTerms ?? [];
  if (terms.length === 0)
    return [required(`${path}.nodeSelectorTerms`, 'must have at least one node selector term')];
  return terms.flatMap((term, i) => [
    ...(term.matchExpressions ?? []).flatMap((r, j) =>
      validateRequirement(r, `${path}.nodeSelectorTerms[${i}].matchExpressions[${j}]`, true),
    ),
    ...(term.matchFields ?? []).flatMap((r, j) =>
      validateFieldRequirement(r, `${path}.nodeSelectorTerms[${i}].matchFields[${j}]`),
    ),
  ]);
}

// Label selector and node selector requirements share their rules; only nodes also know Gt and Lt.
function validateRequirement(r: SelectorRequirement, path: string, numeric: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  if (r.operator === 'In' || r.operator === 'NotIn') {
    if (values.length === 0)
      errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (r.operator === 'Exists' || r.operator === 'DoesNotExist') {
    if (values.length > 0)
      errs.push(
        forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
      );
  } else if (numeric && (r.operator === 'Gt' || r.operator === 'Lt')) {
    if (values.length !== 1)
      errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
  } else {
    errs.push(invalid(`${path}.operator`, r.operator, 'not a valid selector operator'));
  }
  errs.push(...invalidEach(`${path}.key`, r.key, isQualifiedName(r.key)));
  values.forEach((v, i) => errs.push(...invalidEach(`${path}.values[${i}]`, v, isValidLabelValue(v))));
  return errs;
}

function validateFieldRequirement(r: NodeSelectorRequirement, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  if (r.operator !== 'In' && r.operator !== 'NotIn')
    errs.push(invalid(`${path}.operator`, r.operator, 'not a valid selector operator'));
  else if (values.length !== 1)
    errs.push(
      required(
        `${path}.values`,
        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
      ),
    );
  if (r.key !== 'metadata.name') errs.push(invalid(`${path}.key`, r.key, 'not a valid field selector key'));
  else
    values.forEach((v, i) =>
      errs.push(...invalidEach(`${path}.values[${i}]`, v, nameIsDNSSubdomain(v, false))),
    );
  return errs;
}
