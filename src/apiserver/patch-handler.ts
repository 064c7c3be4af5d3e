// PATCH (k8s.io/apiserver/pkg/endpoints/handlers/patch.go): JSON patch, merge patch and strategic merge patch on
// the live object, retried on a concurrent write; server-side apply, which may create.
import type { IncomingMessage } from 'node:http';
import type { KubeObject, StoredObject } from '../api/object.js';
import { checkMediaType, mediaType, parseBody, readBody } from './http-io.js';
import { applyJsonPatch, decodeJsonPatch } from './patch/json-patch.js';
import type { JsonObject } from './patch/json-value.js';
import { applyMergePatch } from './patch/merge-patch.js';
import { apply, trackUpdate } from './patch/server-side-apply.js';
import { applyStrategicMergePatch } from './patch/strategic-merge-patch.js';
import {
  createObject,
  decodeBody,
  getObject,
  updateObject,
  type RestContext,
  type Target,
  type WriteOptions,
  type WriteResult,
} from './rest.js';
import { ApiError, badRequest, invalid } from './status.js';

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
/** Attempts before a patch that keeps meeting concurrent writes gives up (patch.go maxRetryWhenPatchConflicts). */
const MAX_ATTEMPTS = 5;

export interface PatchResult extends WriteResult {
  created: boolean;
}

export async function patchObject(
  ctx: RestContext,
  target: Target,
  req: IncomingMessage,
  query: URLSearchParams,
  options: WriteOptions,
  subresource: string,
): Promise<PatchResult> {
  const type = mediaType(req.headers['content-type']);
  checkMediaType(type, PATCH_TYPES);
  const body = parseBody(await readBody(req), type);
  const manager = query.get('fieldManager') ?? defaultManager(req);
  if (type === 'application/apply-patch+yaml') {
    if (!query.get('fieldManager')) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [
        { type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' },
      ]);
    }
    const force = query.get('force') === 'true';
    return serverSideApply(ctx, target, body, manager, force, { ...options, apply: true });
  }
  for (let attempt = 1; ; attempt++) {
    const live = getObject(ctx, target);
    const patched = patchDocument(type, live, body, target.def.kind);
    const { object, warnings } = decodeBody(patched, target, options);
    // A patch may carry a resourceVersion as its precondition; otherwise it applies to what was read.
    const meta = (object.metadata ??= {});
    const precondition = (body as { metadata?: { resourceVersion?: string } } | null)?.metadata
      ?.resourceVersion;
    Object.assign(meta, { resourceVersion: precondition ?? live.metadata.resourceVersion });
    const tracked = trackUpdate(live, object, manager, 'Update', ctx.now, subresource || undefined);
    try {
      const result = updateObject(ctx, target, tracked, live, { ...options, subresource });
      return { ...result, warnings: [...warnings, ...result.warnings], created: false };
    } catch (e) {
      const stale = e instanceof ApiError && e.status.reason === 'Conflict' && precondition === undefined;
      if (!stale || attempt >= MAX_ATTEMPTS) throw e;
    }
  }
}

function patchDocument(type: string, live: StoredObject, body: unknown, kind: string): KubeObject {
  const base = structuredClone(live) as unknown as JsonObject;
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(base, decodeJsonPatch(body)) as KubeObject;
    case 'application/merge-patch+json':
      return applyMergePatch(base, body) as KubeObject;
    default:
      return applyStrategicMergePatch(base, body, kind) as KubeObject;
  }
}

function serverSideApply(
  ctx: RestContext,
  target: Target,
  body: unknown,
  manager: string,
  force: boolean,
  options: WriteOptions,
): PatchResult {
  const { object: applied, warnings } = decodeBody(body, target, options);
  const name = applied.metadata?.name;
  if (name !== undefined && name !== target.name) {
    throw badRequest(`the name of the object (${name}) does not match the name on the URL (${target.name})`);
  }
  const live = ctx.store.get(target.def.storageKey, target.namespace, target.name);
  const merged = apply(live, applied, manager, force, ctx.now);
  if (live === undefined) {
    merged.metadata = { ...merged.metadata, name: target.name };
    return { ...createObject(ctx, target, merged, options), created: true, warnings };
  }
  if (JSON.stringify(merged) === JSON.stringify(live)) return { object: live, warnings, created: false };
  merged.metadata = { ...merged.metadata, resourceVersion: live.metadata.resourceVersion };
  const result = updateObject(ctx, target, merged, live, { ...options, subresource: '' });
  return { ...result, warnings: [...warnings, ...result.warnings], created: false };
}

/** Without ?fieldManager kube names the manager after the client: the user agent's first token. */
export function defaultManager(req: IncomingMessage): string {
  return (req.headers['user-agent'] ?? 'unknown').split('/')[0]?.slice(0, 128) || 'unknown';
}
