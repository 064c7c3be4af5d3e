// ObjectMeta on create (k8s.io/apimachinery/pkg/api/validation/objectmeta.go ValidateObjectMetaAccessor,
// pkg/apis/meta/v1/validation ValidateLabels, and core's finalizer-name rule), for namespaced objects whose
// names are DNS-1123 subdomains, such as Pods.
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { type FieldError, invalid, invalidEach, required, tooLong } from './errors.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';

/** Annotations may hold at most 256 KiB, keys and values together. */
const totalAnnotationSizeLimit = 256 * 1024;

export function validateObjectMeta(meta: ObjectMeta, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    errs.push(
      ...invalidEach(`${path}.generateName`, meta.generateName, nameIsDNSSubdomain(meta.generateName, true)),
    );
  }
  // kube generates the name from generateName before validating; a caller that has not done so yet is not
  // told the name is missing.
  if (meta.name) errs.push(...invalidEach(`${path}.name`, meta.name, nameIsDNSSubdomain(meta.name, false)));
  else if (!meta.generateName) errs.push(required(`${path}.name`, 'name or generateName is required'));
  if (!meta.namespace) errs.push(required(`${path}.namespace`));
  else errs.push(...invalidEach(`${path}.namespace`, meta.namespace, nameIsDNSLabel(meta.namespace, false)));
  if ((meta.generation ?? 0) < 0) {
    errs.push(invalid(`${path}.generation`, meta.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateFinalizers(meta.finalizers ?? [], `${path}.finalizers`));
  return errs;
}

/** Keys and values are both reported against the map itself, as ValidateLabels does. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errs.push(...invalidEach(path, key, isQualifiedName(key)));
    errs.push(...invalidEach(path, value, isValidLabelValue(value)));
  }
  return errs;
}

// Annotation keys are qualified names compared case-insensitively; values are free-form but bounded in total.
function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    errs.push(...invalidEach(path, key, isQualifiedName(key.toLowerCase())));
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > totalAnnotationSizeLimit) errs.push(tooLong(path, totalAnnotationSizeLimit));
  return errs;
}

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';
const standardFinalizers = new Set(['kubernetes', orphanFinalizer, foregroundFinalizer]);

function validateFinalizers(finalizers: readonly string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const finalizer of finalizers) errs.push(...invalidEach(path, finalizer, isQualifiedName(finalizer)));
  if (finalizers.includes(orphanFinalizer) && finalizers.includes(foregroundFinalizer)) {
    const detail = `finalizer ${orphanFinalizer} and ${foregroundFinalizer} cannot be both set`;
    errs.push(invalid(path, finalizers, detail));
  }
  finalizers.forEach((finalizer, i) => {
    if (!finalizer.includes('/') && !standardFinalizers.has(finalizer)) {
      const detail = 'name is neither a standard finalizer name nor is it fully qualified';
      errs.push(invalid(`${path}[${i}]`, finalizer, detail));
    }
  });
  return errs;
}
