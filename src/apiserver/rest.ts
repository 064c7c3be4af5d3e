// The generic REST verbs over the store (k8s.io/apiserver/pkg/registry/generic/registry/store.go): create,
// get, update and delete with a kind's strategy, preconditions, dry runs and graceful deletion.
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject, StoredObject } from '../api/object.js';
import { AlreadyExistsError, ConflictError, NotFoundError, ObjectTooLargeError } from '../store/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import type { DecodeResult, KindStrategy, StrategyContext } from './kinds/types.js';
import { dropNulls } from './openapi/null-values.js';
import { firstTypeError } from './openapi/type-errors.js';
import { unknownFields } from './openapi/unknown-fields.js';
import { sharedOpenApi } from './openapi/v3.js';
import { kubeTime } from '../api/time.js';
import { fillCreateMeta, keepSystemMeta } from './object-meta.js';
import { apiVersionOf, type ResourceDefinition } from './resources.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  forbiddenMessage,
  invalid,
  notFound,
  STALE_OBJECT,
} from './status.js';

export interface RestContext {
  store: ObjectStore;
  nodeName: string;
  user: string;
  now: Date;
  /** `--service-cidr`, for the Service strategy's cluster IP allocation. */
  serviceCidr?: string;
}

export interface Target {
  def: ResourceDefinition;
  strategy: KindStrategy;
  namespace: string;
  name: string;
}

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
  /** Server-side apply: its managedFields are never dropped to make an object fit. */
  apply?: boolean;
}

export interface WriteResult {
  object: StoredObject;
  warnings: string[];
}

/** `pods`, `leases.coordination.k8s.io`: how messages and StatusDetails name a resource. */
export function qualifiedResource(def: ResourceDefinition): string {
  return def.group === '' ? def.resource : `${def.resource}.${def.group}`;
}

export function getObject(ctx: RestContext, t: Target): StoredObject {
  const object = ctx.store.get(t.def.storageKey, t.namespace, t.name);
  if (object === undefined) throw notFound(qualifiedResource(t.def), t.name);
  return object;
}

/** Decodes and checks a body as the target's kind; unknown fields follow fieldValidation. */
export function decodeBody(
  body: unknown,
  t: Target,
  options: WriteOptions,
): { object: KubeObject; warnings: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`Object '${t.def.kind}' is not a JSON object`);
  }
  const input = body as KubeObject;
  const expectedVersion = apiVersionOf(t.def);
  if (input.kind !== undefined && input.kind !== t.def.kind) {
    throw badRequest(
      `the kind of the provided object (${input.kind}) does not match the resource (${t.def.kind})`,
    );
  }
  if (input.apiVersion !== undefined && input.apiVersion !== expectedVersion) {
    throw badRequest(
      `the API version in the data (${input.apiVersion}) does not match the expected API version (${expectedVersion})`,
    );
  }
  const decoded = t.strategy.decode?.(input) ?? decodeWithSchema(input, t.def);
  if (decoded.typeError !== undefined) throw badRequest(decoded.typeError);
  const warnings: string[] = [];
  if (decoded.unknownFields.length > 0 && options.fieldValidation !== 'Ignore') {
    const fields = decoded.unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`);
    if (options.fieldValidation === 'Strict') {
      throw badRequest(
        `${t.def.kind} in version "${t.def.version}" cannot be handled as a ${t.def.kind}: strict decoding error: ${fields.join(', ')}`,
      );
    }
    warnings.push(...fields);
  }
  const object = decoded.object;
  object.apiVersion = expectedVersion;
  object.kind = t.def.kind;
  return { object, warnings };
}

/** A kind without its own decoder: type errors and unknown fields from its OpenAPI schema. */
function decodeWithSchema(input: KubeObject, def: ResourceDefinition): DecodeResult {
  const schemas = sharedOpenApi().schemas();
  const typeError = firstTypeError(schemas, def.group, def.version, def.kind, input);
  const object = structuredClone(input);
  if (typeError === undefined) dropNulls(schemas, def.group, def.version, def.kind, object);
  return {
    object,
    unknownFields: unknownFields(schemas, def.group, def.version, def.kind, input),
    ...(typeError !== undefined
      ? {
          typeError: `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${typeError}`,
        }
      : {}),
  };
}

export function createObject(
  ctx: RestContext,
  t: Target,
  object: KubeObject,
  options: WriteOptions,
): WriteResult {
  const meta = (object.metadata ??= {});
  if (t.def.namespaced) {
    if (meta.namespace && meta.namespace !== t.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    meta.namespace = t.namespace;
  } else {
    delete meta.namespace;
  }
  fillCreateMeta(object, ctx.now);
  const sctx = strategyContext(ctx);
  const early: string[] = [];
  t.strategy.prepareForCreate?.(object, { ...sctx, warn: (message) => early.push(message) });
  const errors = t.strategy.validate?.(object) ?? [];
  if (errors.length > 0) throw invalidError(t, meta.name ?? '', errors);
  if (t.def.namespaced) requireNamespace(ctx, t, meta.name ?? '');
  const admission = t.strategy.admit?.(object, ctx.store.get('namespaces', '', t.namespace)?.metadata.labels);
  if (admission?.denied !== undefined) throw forbiddenMessage(admission.denied);
  const warnings = [...early, ...(admission?.warnings ?? []), ...(t.strategy.warnings?.(object, sctx) ?? [])];
  if (options.dryRun) {
    if (ctx.store.get(t.def.storageKey, t.namespace, meta.name ?? ''))
      throw alreadyExists(qualifiedResource(t.def), meta.name ?? '');
    return { object: object as StoredObject, warnings };
  }
  try {
    const created = fitted(object, options, (o) => ctx.store.create(t.def.storageKey, o));
    return { object: created, warnings };
  } catch (e) {
    if (e instanceof AlreadyExistsError) throw alreadyExists(qualifiedResource(t.def), meta.name ?? '');
    throw e;
  }
}

/** A full replacement (PUT, and the last step of every patch): `old` is what the change was computed from. */
export function updateObject(
  ctx: RestContext,
  t: Target,
  object: KubeObject,
  old: StoredObject,
  options: WriteOptions & { subresource: string },
): WriteResult {
  const meta = (object.metadata ??= {});
  if (meta.name !== undefined && meta.name !== t.name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${t.name})`);
  }
  const precondition = meta.resourceVersion;
  if (precondition && precondition !== old.metadata.resourceVersion) {
    throw conflict(qualifiedResource(t.def), t.name, STALE_OBJECT);
  }
  const sctx = strategyContext(ctx);
  if (options.subresource === 'status') {
    // ResetObjectMetaForStatus: a status write changes status and nothing else.
    const { status } = object;
    Object.assign(object, structuredClone(old), { status });
  } else {
    t.strategy.prepareForUpdate?.(object, old, sctx);
  }
  keepSystemMeta(object, old, t.strategy.specChanged?.(object, old) ?? false);
  const errors =
    options.subresource === 'status'
      ? []
      : ((t.strategy.validateUpdate ?? t.strategy.validate)?.(object, old) ?? []);
  if (errors.length > 0) throw invalidError(t, t.name, errors);
  const admission =
    options.subresource === 'status'
      ? undefined
      : t.strategy.admit?.(object, ctx.store.get('namespaces', '', t.namespace)?.metadata.labels, old);
  if (admission?.denied !== undefined) throw forbiddenMessage(admission.denied);
  if (options.dryRun)
    return {
      object: {
        ...object,
        metadata: { ...object.metadata, resourceVersion: old.metadata.resourceVersion },
      } as StoredObject,
      warnings: admission?.warnings ?? [],
    };
  try {
    const stored = fitted(object, options, (o) =>
      ctx.store.update(t.def.storageKey, o, { resourceVersion: old.metadata.resourceVersion }),
    );
    return { object: maybeFinalize(ctx, t, stored), warnings: admission?.warnings ?? [] };
  } catch (e) {
    if (e instanceof ConflictError) throw conflict(qualifiedResource(t.def), t.name, STALE_OBJECT);
    if (e instanceof NotFoundError) throw notFound(qualifiedResource(t.def), t.name);
    throw e;
  }
}

/**
 * create.go, update.go, patch.go: an object too large for storage is written once more without managedFields,
 * which can be large and are safe to lose; an apply keeps them, so it fails instead.
 */
function fitted(
  object: KubeObject,
  options: WriteOptions,
  write: (o: KubeObject) => StoredObject,
): StoredObject {
  try {
    return write(object);
  } catch (e) {
    if (!(e instanceof ObjectTooLargeError) || options.apply || !object.metadata?.managedFields) throw e;
    const trimmed = { ...object, metadata: { ...object.metadata } };
    delete trimmed.metadata.managedFields;
    return write(trimmed);
  }
}

function strategyContext(ctx: RestContext): StrategyContext & { list: (resource: string) => StoredObject[] } {
  return {
    now: ctx.now,
    nodeName: ctx.nodeName,
    user: ctx.user,
    list: (r) => ctx.store.list(r, undefined).items,
    ...(ctx.serviceCidr !== undefined ? { serviceCidr: ctx.serviceCidr } : {}),
  };
}

export interface DeleteResult {
  object: StoredObject;
  /** Still there: marked for deletion, waiting for the node (pods) or for finalizers. */
  pending: boolean;
}

/** NamespaceLifecycle admission (plugin/pkg/admission/namespace/lifecycle): these are never deleted. */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export function deleteObject(
  ctx: RestContext,
  t: Target,
  options: DeleteOptions,
  dryRun: boolean,
): DeleteResult {
  const current = getObject(ctx, t);
  if (t.def.resource === 'namespaces' && t.def.group === '' && IMMORTAL_NAMESPACES.has(t.name))
    throw forbidden('namespaces', t.name, 'this namespace may not be deleted');
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid) {
    throw conflict(
      qualifiedResource(t.def),
      t.name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(
      qualifiedResource(t.def),
      t.name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
    );
  }
  const grace = t.strategy.gracePeriod?.(current, options.gracePeriodSeconds) ?? 0;
  const finalizers = current.metadata.finalizers ?? [];
  if (grace > 0 || finalizers.length > 0 || t.strategy.waitsOnDelete?.(current) === true) {
    if (dryRun) return { object: current, pending: true };
    return { object: markForDeletion(ctx, t, current, grace), pending: true };
  }
  if (dryRun) return { object: current, pending: false };
  return { object: ctx.store.delete(t.def.storageKey, t.namespace, t.name), pending: false };
}

/** Sets deletionTimestamp (or shortens a pending grace period); the object stays until its owner removes it. */
function markForDeletion(ctx: RestContext, t: Target, current: StoredObject, grace: number): StoredObject {
  return (
    ctx.store.guaranteedUpdate(t.def.storageKey, t.namespace, t.name, (latest) => {
      const meta = latest.metadata;
      if (meta.deletionTimestamp && (meta.deletionGracePeriodSeconds ?? 0) <= grace) return undefined;
      const object = structuredClone(latest) as KubeObject;
      object.metadata = {
        ...object.metadata,
        deletionTimestamp: kubeTime(new Date(ctx.now.getTime() + grace * 1000)),
        deletionGracePeriodSeconds: grace,
      };
      t.strategy.markDeleting?.(object);
      return object;
    }) ?? current
  );
}

/** An object marked for deletion whose finalizers are all gone is removed by the update that cleared them. */
function maybeFinalize(ctx: RestContext, t: Target, stored: StoredObject): StoredObject {
  if (!stored.metadata.deletionTimestamp || (stored.metadata.finalizers ?? []).length > 0) return stored;
  if ((stored.metadata.deletionGracePeriodSeconds ?? 0) > 0 && t.def.resource === 'pods') return stored;
  return ctx.store.delete(t.def.storageKey, t.namespace, t.name);
}

function requireNamespace(ctx: RestContext, t: Target, name: string): void {
  const ns = ctx.store.get('namespaces', '', t.namespace);
  if (ns === undefined) throw notFound('namespaces', t.namespace);
  if (ns.metadata.deletionTimestamp) {
    const why = `unable to create new content in namespace ${t.namespace} because it is being terminated`;
    throw forbidden(qualifiedResource(t.def), name, why);
  }
}

function invalidError(t: Target, name: string, errors: FieldError[]): Error {
  return invalid(t.def.kind, t.def.group, name, errors);
}
