// One resource request, from path to reply: authorization, the verb on the store, and the reply's form (the
// object, a List, a Table, a watch stream, a Status).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import type { StoredObject } from '../api/object.js';
import { authorize, type UserInfo } from './authn.js';
import { checkMediaType, readBody, parseBody, responseForm, sendJson, setWarnings } from './http-io.js';
import { strategyFor } from './kinds/index.js';
import { checkFieldSelector, matches, parseListQuery } from './list-query.js';
import { toStorage, toVersion } from './versions.js';
import { defaultManager, patchObject } from './patch-handler.js';
import { trackUpdate } from './patch/server-side-apply.js';
import { printTable, type PrintOptions } from './printers/index.js';
import { apiVersionOf, findResource, type ResourceDefinition } from './resources.js';
import {
  createObject,
  decodeBody,
  deleteObject,
  getObject,
  updateObject,
  type RestContext,
  type Target,
  type WriteOptions,
} from './rest.js';
import type { ResourceRequest } from './router.js';
import { badRequest, forbidden, methodNotSupported, pathNotFound, successStatus } from './status.js';
import { serveWatch } from './watch.js';

const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export interface HandlerContext extends RestContext {
  userInfo: UserInfo;
  signal: AbortSignal;
  /** Subresources served outside the generic verbs (pod logs, exec, eviction, ...), by `resource/subresource`. */
  subresources: ReadonlyMap<string, SubresourceHandler>;
}

export type SubresourceHandler = (
  ctx: HandlerContext,
  target: Target,
  request: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
) => Promise<void>;

export async function handleResource(
  ctx: HandlerContext,
  request: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const def = findResource(request.group, request.version, request.resource);
  if (def === undefined) throw pathNotFound();
  if (!def.namespaced && request.namespace !== '') throw pathNotFound();
  authorizeRequest(ctx.userInfo, request, def);
  const target: Target = {
    def,
    strategy: strategyFor(def.storageKey, def.kind, def.namespaced),
    namespace: request.namespace,
    name: request.name,
  };
  if (request.subresource !== '' && request.subresource !== 'status') {
    const handler = ctx.subresources.get(`${def.resource}/${request.subresource}`);
    if (handler === undefined) throw pathNotFound();
    return handler(ctx, target, request, req, res, query);
  }
  const form = responseForm(req.headers.accept);
  const options = writeOptions(query);
  const typed = (o: StoredObject) => toVersion(def, o);
  const reply = (code: number, o: StoredObject) =>
    form === 'table'
      ? sendJson(
          res,
          code,
          printTable(def.storageKey, [typed(o)], tableOptions(ctx, query, o.metadata.resourceVersion)),
          TABLE_CONTENT_TYPE,
        )
      : sendJson(res, code, typed(o));
  switch (request.verb) {
    case 'get':
      return reply(200, getObject(ctx, target));
    case 'list':
      return list(ctx, target, query, form, res);
    case 'watch': {
      const listQuery = parseListQuery(query);
      return serveWatch({
        store: ctx.store,
        target,
        query: listQuery,
        encode:
          form === 'table'
            ? (_t, o) => printTable(def.storageKey, [o], tableOptions(ctx, query, o.metadata.resourceVersion))
            : (_t, o) => o,
        contentType: 'application/json',
        res,
        signal: ctx.signal,
      });
    }
    case 'create': {
      const { object, warnings, manager } = await readObject(req, query, target, options);
      const created = createObject(
        ctx,
        target,
        trackUpdate(undefined, object, manager, 'Update', ctx.now),
        options,
      );
      setWarnings(res, [...warnings, ...created.warnings]);
      return reply(201, created.object);
    }
    case 'update': {
      const { object, warnings, manager } = await readObject(req, query, target, options);
      const old = getObject(ctx, target);
      const tracked = trackUpdate(old, object, manager, 'Update', ctx.now, request.subresource || undefined);
      const updated = updateObject(ctx, target, tracked, old, {
        ...options,
        subresource: request.subresource,
      });
      setWarnings(res, warnings);
      return reply(200, updated.object);
    }
    case 'patch': {
      const result = await patchObject(ctx, target, req, query, options, request.subresource);
      setWarnings(res, result.warnings);
      return reply(result.created ? 201 : 200, result.object);
    }
    case 'delete': {
      const body = await readBody(req);
      const deleteOptions = deleteOptionsOf(
        body.length > 0 ? parseBody(body, req.headers['content-type']) : {},
        query,
      );
      const result = deleteObject(ctx, target, deleteOptions, options.dryRun);
      if (def.resource === 'pods' || result.pending) return reply(200, result.object);
      return sendJson(
        res,
        200,
        successStatus(200, { name: target.name, kind: def.resource, uid: result.object.metadata.uid ?? '' }),
      );
    }
    case 'deletecollection':
      return deleteCollection(ctx, target, query, options.dryRun, res);
    default:
      throw methodNotSupported(def.resource, request.verb);
  }
}

function list(
  ctx: HandlerContext,
  target: Target,
  query: URLSearchParams,
  form: 'table' | 'json',
  res: ServerResponse,
): void {
  const listQuery = parseListQuery(query);
  checkFieldSelector(listQuery, target.strategy, { metadata: { name: '', resourceVersion: '' } });
  const filtered = listQuery.labels !== undefined || listQuery.fields !== undefined;
  const page = ctx.store.list(target.def.storageKey, target.namespace || undefined, {
    ...(filtered ? { filter: (o: StoredObject) => matches(listQuery, target.strategy, o) } : {}),
    ...(listQuery.limit > 0 ? { limit: listQuery.limit } : {}),
    ...(listQuery.continueToken ? { continue: listQuery.continueToken } : {}),
  });
  const resourceVersion = page.resourceVersion;
  const metadata = {
    resourceVersion,
    ...(page.continue ? { continue: page.continue } : {}),
    ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
  };
  if (form === 'table') {
    const table = printTable(target.def.storageKey, page.items, {
      ...tableOptions(ctx, query, resourceVersion),
      listMeta: metadata,
    });
    return sendJson(res, 200, table, TABLE_CONTENT_TYPE);
  }
  const items = page.items.map((o) => toVersion(target.def, o));
  sendJson(res, 200, { kind: target.def.listKind, apiVersion: apiVersionOf(target.def), metadata, items });
}

function deleteCollection(
  ctx: HandlerContext,
  target: Target,
  query: URLSearchParams,
  dryRun: boolean,
  res: ServerResponse,
): void {
  const listQuery = parseListQuery(query);
  const { items } = ctx.store.list(target.def.storageKey, target.namespace || undefined);
  for (const o of items.filter((i) => matches(listQuery, target.strategy, i))) {
    deleteObject(
      ctx,
      { ...target, namespace: o.metadata.namespace ?? '', name: o.metadata.name },
      deleteOptionsOf({}, query),
      dryRun,
    );
  }
  sendJson(res, 200, successStatus(200));
}

/** A create or update body: decoded as the request's kind and version, in the store's shape, with its manager. */
async function readObject(
  req: IncomingMessage,
  query: URLSearchParams,
  target: Target,
  options: WriteOptions,
) {
  checkMediaType(req.headers['content-type']);
  const decoded = decodeBody(parseBody(await readBody(req), req.headers['content-type']), target, options);
  return {
    object: toStorage(target.def, decoded.object),
    warnings: decoded.warnings,
    manager: query.get('fieldManager') ?? defaultManager(req),
  };
}

function tableOptions(ctx: RestContext, query: URLSearchParams, resourceVersion: string): PrintOptions {
  const include = query.get('includeObject');
  return {
    now: ctx.now,
    includeObject: include === 'None' || include === 'Object' ? include : ('Metadata' as const),
    listMeta: { resourceVersion },
  };
}

/** dryRun and fieldValidation of a write request. */
export function writeOptions(query: URLSearchParams): WriteOptions {
  const validation = query.get('fieldValidation');
  const dryRun = query.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    throw badRequest(`Invalid dry run value: ${dryRun.join(',')}; only "All" is supported`);
  return {
    dryRun: dryRun.length > 0,
    fieldValidation: validation === 'Strict' || validation === 'Ignore' ? validation : 'Warn',
  };
}

/** DeleteOptions from the body and the query; what does not decode is a 400 before anything is deleted. */
export function deleteOptionsOf(body: unknown, query: URLSearchParams): DeleteOptions {
  const options = (typeof body === 'object' && body !== null ? body : {}) as DeleteOptions;
  const inBody: unknown = options.gracePeriodSeconds;
  // DeleteOptions decoding and the parameter codec refuse what is not an int64, before anything is deleted.
  if (inBody !== undefined && inBody !== null && !Number.isSafeInteger(inBody))
    throw badRequest(
      `json: cannot unmarshal ${typeof inBody} into Go struct field DeleteOptions.gracePeriodSeconds of type int64`,
    );
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null && !/^-?\d{1,18}$/.test(grace))
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(grace)}: invalid syntax`);
  return {
    ...options,
    ...(grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
  };
}

/** Every request passes the same rules `kubectl auth can-i` reports. */
function authorizeRequest(user: UserInfo, request: ResourceRequest, def: ResourceDefinition): void {
  const verb = request.verb === 'connect' ? 'create' : request.verb;
  const decision = authorize(user, {
    resourceAttributes: {
      verb,
      group: def.group,
      version: def.version,
      resource: def.resource,
      ...(request.subresource ? { subresource: request.subresource } : {}),
      ...(request.namespace ? { namespace: request.namespace } : {}),
      ...(request.name ? { name: request.name } : {}),
    },
  });
  if (decision.allowed) return;
  const scope = request.namespace ? ` in the namespace "${request.namespace}"` : '';
  const resource = def.group === '' ? def.resource : `${def.resource}.${def.group}`;
  throw forbidden(
    resource,
    request.name,
    `User "${user.username}" cannot ${verb} resource "${def.resource}" in API group "${def.group}"${scope}`,
  );
}
