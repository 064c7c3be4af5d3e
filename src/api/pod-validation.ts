// kube-apiserver's validation of a Pod on create (pkg/apis/core/validation/validation.go ValidatePodCreate
// -> validatePodMetadataAndSpec -> ValidateObjectMeta, ValidatePodSpecificAnnotations, ValidatePodSpec), for
// a defaulted pod, with v1.33's feature gates. Affinity, topology spread constraints and Windows options are
// not validated: podlet schedules onto its one Linux node.
import type { EnvVar, Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { validateAppArmorAnnotations, validateAppArmorFieldsMatch } from './apparmor.js';
import { validateImageWhitespace } from './container-validation.js';
import { type FieldError, forbidden, goQuote, invalid } from './errors.js';
import { validateObjectMeta } from './object-meta-validation.js';
import { CONFIG_MIRROR_ANNOTATION } from './pod-annotations.js';
import { validatePodSpec } from './pod-spec-validation.js';

/** Every field error kube-apiserver would report for creating this (already defaulted) pod. */
export function validatePod(pod: Pod): FieldError[] {
  const spec: PodSpec = pod.spec ?? { containers: [] };
  const errs = validateObjectMeta(pod.metadata ?? {}, 'metadata');
  errs.push(...validatePodAnnotations(pod));
  errs.push(...validateAppArmorAnnotations(pod));
  errs.push(...validatePodSpec(spec, 'spec'));
  errs.push(...validateAppArmorFieldsMatch(pod));
  if (!spec.serviceAccountName) {
    (spec.volumes ?? []).forEach((volume, i) => {
      (volume.projected?.sources ?? []).forEach((source, j) => {
        if (source.serviceAccountToken) {
          const path = `spec.volumes[${i}].projected.sources[${j}].serviceAccountToken`;
          errs.push(forbidden(path, 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  (spec.containers ?? []).forEach((c, i) =>
    errs.push(...validateImageWhitespace(c, `spec.containers[${i}]`)),
  );
  (spec.initContainers ?? []).forEach((c, i) =>
    errs.push(...validateImageWhitespace(c, `spec.initContainers[${i}]`)),
  );
  // Ephemeral containers are added later through the ephemeralcontainers subresource, never on create.
  if ((spec.ephemeralContainers ?? []).length > 0) {
    errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  }
  if (spec.nodeName && (spec.schedulingGates ?? []).length > 0) {
    errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

/** Warnings kube-apiserver returns with a successful create (pkg/api/pod/warnings.go), the ones podlet acts on. */
export function podWarnings(pod: Pod): string[] {
  const spec = pod.spec;
  if (spec === undefined) return [];
  // VisitContainersWithPath's order: init, regular, ephemeral.
  const lists = [
    ['initContainers', spec.initContainers ?? []],
    ['containers', spec.containers ?? []],
    ['ephemeralContainers', spec.ephemeralContainers ?? []],
  ] as const;
  const warnings: string[] = [];
  for (const [field, containers] of lists) {
    containers.forEach((c, i) => warnings.push(...envWarnings(c.env ?? [], `spec.${field}[${i}].env`)));
  }
  if ((spec.terminationGracePeriodSeconds ?? 0) < 0) {
    warnings.push(
      'spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1',
    );
  }
  return warnings;
}

// A later variable of the same name replaces an earlier one, which `kubectl apply` may then drop, unless it
// builds on it with $(NAME).
function envWarnings(env: readonly EnvVar[], path: string): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  env.forEach((v, i) => {
    const name = v.name ?? '';
    const ref = `$(${name})`;
    const value = v.value ?? '';
    if (seen.has(name) && (v.valueFrom !== undefined || value === ref || !value.includes(ref))) {
      warnings.push(
        `${path}[${i}]: hides previous definition of ${goQuote(name)}, which may be dropped when using apply`,
      );
    }
    seen.add(name);
  });
  return warnings;
}

const deletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

// ValidatePodSpecificAnnotations: the mirror-pod and deletion-cost annotations carry meaning.
function validatePodAnnotations(pod: Pod): FieldError[] {
  const annotations = pod.metadata?.annotations ?? {};
  const errs: FieldError[] = [];
  const mirror = annotations[CONFIG_MIRROR_ANNOTATION];
  if (mirror !== undefined && !pod.spec?.nodeName) {
    const path = `metadata.annotations[${CONFIG_MIRROR_ANNOTATION}]`;
    errs.push(invalid(path, mirror, 'must set spec.nodeName if mirror pod annotation is set'));
  }
  const cost = annotations[deletionCostAnnotation];
  if (cost !== undefined && !isInt32Text(cost)) {
    errs.push(invalid(`metadata.annotations[${deletionCostAnnotation}]`, cost, 'must be a 32bit integer'));
  }
  return errs;
}

// GetDeletionCostFromPodAnnotations: no plus sign and no leading zeros, then strconv.ParseInt(v, 10, 32).
function isInt32Text(value: string): boolean {
  if (!/^(0|-[0-9]+|[1-9][0-9]*)$/.test(value)) return false;
  const n = Number(value);
  return n >= -(2 ** 31) && n <= 2 ** 31 - 1;
}
