// The kinds besides Pods: their defaults, validation and selectable fields, each as its registry strategy has
// them (pkg/registry/core/<kind>/strategy.go, pkg/apis/core/validation).
import type { ConfigMap, Event, Namespace, Secret } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { invalidEach, required, tooLong, type FieldError } from '../../api/errors.js';
import { isConfigMapKey, nameIsDNSLabel } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { validateObjectMeta } from '../../api/object-meta-validation.js';
import { policyToEvaluate } from '../../api/pod-security/policy.js';
import type { KindStrategy } from './types.js';

/** ConfigMaps and Secrets hold at most 1 MiB of data (validation.go MaxSecretSize / configmap size). */
const MAX_DATA_BYTES = 1024 * 1024;

/** ObjectMeta checks for a namespaced kind whose names are DNS subdomains, or a cluster-scoped one. */
export function metaErrors(
  meta: ObjectMeta | undefined,
  namespaced: boolean,
  dnsLabelName = false,
): FieldError[] {
  const m = meta ?? {};
  const errs = validateObjectMeta(namespaced ? m : { ...m, namespace: 'cluster-scoped' }, 'metadata');
  if (!namespaced) return errs.filter((e) => e.field !== 'metadata.namespace');
  if (!dnsLabelName || !m.name) return errs;
  return [
    ...errs.filter((e) => e.field !== 'metadata.name'),
    ...invalidEach('metadata.name', m.name, nameIsDNSLabel(m.name, false)),
  ];
}

export const generic = (kind: string, namespaced: boolean): KindStrategy => ({
  kind,
  validate: (o) => metaErrors(o.metadata, namespaced),
});

export const namespaceStrategy: KindStrategy = {
  kind: 'Namespace',
  prepareForCreate(object) {
    const ns = object as Namespace;
    object.spec = { finalizers: ['kubernetes'] };
    object.status = { phase: 'Active' };
    // The namespace controller's label (NamespaceDefaultLabelName), which PSS exemptions and selectors use.
    ns.metadata = {
      ...ns.metadata,
      labels: { ...ns.metadata?.labels, 'kubernetes.io/metadata.name': ns.metadata?.name ?? '' },
    };
  },
  // Pod Security labels with a bad level or version are refused on the namespace (pod-security admission).
  validate: (o) => [...metaErrors(o.metadata, false, true), ...policyToEvaluate(o.metadata?.labels).errors],
  prepareForUpdate(object, old) {
    object.spec = old.spec;
    object.status = old.status;
    const ns = object as Namespace;
    ns.metadata = {
      ...ns.metadata,
      labels: { ...ns.metadata?.labels, 'kubernetes.io/metadata.name': old.metadata.name },
    };
  },
  fieldValue: (o, field) => (field === 'status.phase' ? ((o as Namespace).status?.phase ?? '') : undefined),
  waitsOnDelete: (o) => ((o as Namespace).spec?.finalizers ?? []).length > 0,
  markDeleting(object) {
    object.status = { ...(object.status as object), phase: 'Terminating' };
  },
};

export const configMapStrategy: KindStrategy = {
  kind: 'ConfigMap',
  validate(object) {
    const cm = object as ConfigMap;
    const errs = metaErrors(cm.metadata, true);
    let size = 0;
    for (const [key, value] of Object.entries(cm.data ?? {})) {
      errs.push(...invalidEach('data', key, isConfigMapKey(key)));
      size += key.length + value.length;
    }
    for (const [key, value] of Object.entries(cm.binaryData ?? {})) {
      errs.push(...invalidEach('binaryData', key, isConfigMapKey(key)));
      size += key.length + value.length;
    }
    if (size > MAX_DATA_BYTES) errs.push(tooLong('', MAX_DATA_BYTES));
    return errs;
  },
};

export const secretStrategy: KindStrategy = {
  kind: 'Secret',
  prepareForCreate: normaliseSecret,
  prepareForUpdate: (object) => normaliseSecret(object),
  validate(object) {
    const secret = object as Secret;
    const errs = metaErrors(secret.metadata, true);
    let size = 0;
    for (const [key, value] of Object.entries(secret.data ?? {})) {
      errs.push(...invalidEach('data', key, isConfigMapKey(key)));
      size += Buffer.from(value, 'base64').length;
    }
    if (size > MAX_DATA_BYTES) errs.push(tooLong('data', MAX_DATA_BYTES));
    if (
      secret.type === 'kubernetes.io/dockerconfigjson' &&
      secret.data?.['.dockerconfigjson'] === undefined
    ) {
      errs.push(required('data[.dockerconfigjson]'));
    }
    return errs;
  },
  fieldValue: (o, field) => (field === 'type' ? ((o as Secret).type ?? '') : undefined),
};

/** stringData is write-only: merged into data, base64-encoded, and dropped (as the secret strategy does). */
function normaliseSecret(object: KubeObject): void {
  const secret = object as Secret & { stringData?: Record<string, string> };
  secret.type ||= 'Opaque';
  if (secret.stringData) {
    const data: Record<string, string> = { ...secret.data };
    for (const [k, v] of Object.entries(secret.stringData))
      data[k] = Buffer.from(v, 'utf8').toString('base64');
    Object.assign(secret, { data });
    delete secret.stringData;
  }
}

export const eventStrategy: KindStrategy = {
  kind: 'Event',
  validate: (o) => metaErrors(o.metadata, true),
  fieldValue(object, field) {
    const e = object as unknown as Event;
    const io = e.involvedObject;
    const fields: Record<string, string | undefined> = {
      'involvedObject.kind': io?.kind,
      'involvedObject.namespace': io?.namespace,
      'involvedObject.name': io?.name,
      'involvedObject.uid': io?.uid,
      'involvedObject.apiVersion': io?.apiVersion,
      'involvedObject.resourceVersion': io?.resourceVersion,
      'involvedObject.fieldPath': io?.fieldPath,
      reason: e.reason,
      reportingComponent: e.reportingComponent,
      source: e.source?.component,
      type: e.type,
    };
    return field in fields ? (fields[field] ?? '') : undefined;
  },
};

export const nodeStrategy: KindStrategy = {
  kind: 'Node',
  validate: (o) => metaErrors(o.metadata, false),
  prepareForUpdate(object, old) {
    object.status = old.status;
  },
  fieldValue: (o, field) =>
    field === 'spec.unschedulable'
      ? String((o.spec as { unschedulable?: boolean })?.unschedulable === true)
      : undefined,
};
