// The `paths` of one group-version's OpenAPI document, from the resource table: the operations kube-apiserver's
// endpoint installer documents (k8s.io/apiserver/pkg/endpoints/installer.go). kubectl reads one thing from them:
// a PATCH carrying the kind's group-version-kind that lists `fieldValidation`, which makes it validate on the
// server (`fieldValidation=Strict`) instead of downloading schemas to validate on the client.
import type { ResourceDefinition, SubresourceDefinition } from '../resources.js';
import { groupShortName, META, refTo, schemaName } from './schema-ref.js';
import type {
  GroupVersionKind,
  MediaContent,
  Method,
  Operation,
  Parameter,
  PathItem,
  Schema,
} from './types.js';

function query(name: string, description: string, type: Schema['type'] = 'string'): Parameter {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): Parameter {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

const P = {
  pretty: query('pretty', "If 'true', the output is pretty printed."),
  dryRun: query('dryRun', 'When present (only value: All), the change is validated but not persisted.'),
  fieldManager: query('fieldManager', 'A name for the actor making the change, recorded in managedFields.'),
  fieldValidation: query(
    'fieldValidation',
    'How the server treats unknown or duplicate fields in the body: Ignore, Warn (the default) or Strict.',
  ),
  force: query('force', 'Apply requests only: take over fields other managers own.', 'boolean'),
  gracePeriodSeconds: query(
    'gracePeriodSeconds',
    'Seconds before the object is deleted; 0 deletes now.',
    'integer',
  ),
  propagationPolicy: query('propagationPolicy', 'Whether and how dependents are garbage collected.'),
  orphanDependents: query('orphanDependents', 'Deprecated: use propagationPolicy.', 'boolean'),
  labelSelector: query('labelSelector', 'Only objects whose labels match this selector.'),
  fieldSelector: query('fieldSelector', 'Only objects whose fields match this selector.'),
  limit: query('limit', 'At most this many items; the rest follow with the continue token.', 'integer'),
  continue: query('continue', 'Token from a previous list to get the next page.'),
  resourceVersion: query('resourceVersion', 'Constraint on the resource version the answer is served at.'),
  resourceVersionMatch: query(
    'resourceVersionMatch',
    'How resourceVersion applies to a list: Exact or NotOlderThan.',
  ),
  watch: query('watch', 'Stream add, update and delete notifications instead of a list.', 'boolean'),
  allowWatchBookmarks: query('allowWatchBookmarks', 'The watch may send BOOKMARK events.', 'boolean'),
  sendInitialEvents: query(
    'sendInitialEvents',
    'The watch starts with the current objects as ADDED events.',
    'boolean',
  ),
  timeoutSeconds: query('timeoutSeconds', 'End the list or watch after this many seconds.', 'integer'),
};

const LIST = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];
const WRITE = [P.dryRun, P.fieldManager, P.fieldValidation];
const DELETE = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];

/** Query parameters of the connect and log subresources (core/v1 Pod*Options). */
const STREAM_PARAMS: Record<string, Parameter[]> = {
  log: ['container', 'follow', 'limitBytes', 'previous', 'sinceSeconds', 'tailLines', 'timestamps'].map((n) =>
    query(n, `The ${n} option of the log request.`, /Bytes|Seconds|Lines/.test(n) ? 'integer' : 'string'),
  ),
  exec: ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty'].map((n) =>
    query(n, `The ${n} option of the exec request.`),
  ),
  attach: ['container', 'stderr', 'stdin', 'stdout', 'tty'].map((n) =>
    query(n, `The ${n} option of the attach request.`),
  ),
  portforward: [query('ports', 'The ports to forward.', 'integer')],
};

function json(schema: Schema): MediaContent {
  return { 'application/json': { schema }, 'application/yaml': { schema } };
}

const PATCH_BODY: MediaContent = Object.fromEntries(
  [
    'application/apply-patch+yaml',
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
  ].map((type) => [type, { schema: refTo(`${META}.Patch`) }]),
);

interface VerbRoute {
  method: Method;
  action: string;
  /** Operation id verb, as Go clients name them: read, replace, ... */
  op: string;
  on: 'collection' | 'item';
  params: Parameter[];
  body?: 'object' | 'patch' | 'delete';
  response: 'object' | 'list' | 'status';
  code?: string;
}

const VERB_ROUTES: Record<string, VerbRoute> = {
  list: { method: 'get', action: 'list', op: 'list', on: 'collection', params: LIST, response: 'list' },
  create: {
    method: 'post',
    action: 'post',
    op: 'create',
    on: 'collection',
    params: WRITE,
    body: 'object',
    response: 'object',
    code: '201',
  },
  deletecollection: {
    method: 'delete',
    action: 'deletecollection',
    op: 'delete',
    on: 'collection',
    params: [...LIST, ...DELETE],
    body: 'delete',
    response: 'status',
  },
  get: { method: 'get', action: 'get', op: 'read', on: 'item', params: [], response: 'object' },
  update: {
    method: 'put',
    action: 'put',
    op: 'replace',
    on: 'item',
    params: WRITE,
    body: 'object',
    response: 'object',
  },
  patch: {
    method: 'patch',
    action: 'patch',
    op: 'patch',
    on: 'item',
    params: [...WRITE, P.force],
    body: 'patch',
    response: 'object',
  },
  delete: {
    method: 'delete',
    action: 'delete',
    op: 'delete',
    on: 'item',
    params: DELETE,
    body: 'delete',
    response: 'object',
  },
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function prefixOf(def: ResourceDefinition): string {
  return def.group === '' ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
}

function title(def: ResourceDefinition): string {
  return `${capitalize(groupShortName(def.group))}${capitalize(def.version)}`;
}

function bodyContent(body: VerbRoute['body'], kind: Schema): MediaContent | undefined {
  if (body === 'object') return { '*/*': { schema: kind } };
  if (body === 'patch') return PATCH_BODY;
  if (body === 'delete') return { '*/*': { schema: refTo(`${META}.DeleteOptions`) } };
  return undefined;
}

function resourceOperation(def: ResourceDefinition, verb: string, route: VerbRoute): Operation {
  const kind = refTo(schemaName(def.group, def.version, def.kind));
  const responses = {
    object: kind,
    list: refTo(schemaName(def.group, def.version, def.listKind)),
    status: refTo(`${META}.Status`),
  };
  const collection = verb === 'deletecollection' ? 'Collection' : '';
  const op: Operation = {
    description: `${verb} ${route.on === 'collection' && verb !== 'create' ? 'objects of kind ' : 'a '}${def.kind}`,
    operationId: `${route.op}${title(def)}${collection}${def.namespaced ? 'Namespaced' : ''}${def.kind}`,
    tags: [`${groupShortName(def.group)}_${def.version}`],
    responses: {
      [route.code ?? '200']: { description: 'OK', content: json(responses[route.response]) },
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': route.action,
    'x-kubernetes-group-version-kind': { group: def.group, kind: def.kind, version: def.version },
  };
  if (route.params.length > 0) op.parameters = route.params;
  const body = bodyContent(route.body, kind);
  if (body !== undefined) op.requestBody = { content: body, required: true };
  return op;
}

/** Kinds a subresource answers with that are query-parameter options, not objects: served by `connect`. */
const CONNECT_KINDS = new Set(['PodAttachOptions', 'PodExecOptions', 'PodPortForwardOptions']);

function subresourceOperations(def: ResourceDefinition, sub: SubresourceDefinition): PathItem {
  const group = sub.group ?? def.group;
  const version = sub.version ?? def.version;
  const gvk: GroupVersionKind = { group, kind: sub.kind, version };
  const kind = refTo(schemaName(group, version, sub.kind));
  const connect = CONNECT_KINDS.has(sub.kind);
  const name = `${def.namespaced ? 'Namespaced' : ''}${def.kind}${capitalize(sub.name)}`;
  const item: PathItem = {};
  for (const verb of sub.verbs) {
    const route = verb === 'create' ? { ...VERB_ROUTES.create!, on: 'item' as const } : VERB_ROUTES[verb];
    if (route === undefined) continue;
    const params = connect || sub.name === 'log' ? (STREAM_PARAMS[sub.name] ?? []) : route.params;
    const verbName = connect ? `connect${title(def)}${capitalize(route.method)}` : `${route.op}${title(def)}`;
    const op: Operation = {
      description: `${connect ? 'connect' : verb} ${sub.name} of ${def.kind}`,
      operationId: `${verbName}${name}`,
      tags: [`${groupShortName(def.group)}_${def.version}`],
      responses: {
        [route.code ?? '200']:
          connect || sub.name === 'log' ? { description: 'OK' } : { description: 'OK', content: json(kind) },
        '401': { description: 'Unauthorized' },
      },
      'x-kubernetes-action': connect ? 'connect' : route.action,
      'x-kubernetes-group-version-kind': gvk,
    };
    if (params.length > 0) op.parameters = params;
    const body = connect ? undefined : bodyContent(route.body, kind);
    if (body !== undefined) op.requestBody = { content: body, required: true };
    item[route.method] = op;
  }
  return item;
}

/** Every path of one resource: collection, item, each subresource, and the all-namespaces list. */
export function resourcePaths(def: ResourceDefinition): Record<string, PathItem> {
  const base = def.namespaced
    ? `${prefixOf(def)}/namespaces/{namespace}/${def.resource}`
    : `${prefixOf(def)}/${def.resource}`;
  const scope = def.namespaced ? [pathParam('namespace', 'the namespace the objects live in')] : [];
  const nameParam = pathParam('name', `name of the ${def.kind}`);
  const collection: PathItem = { parameters: [...scope, P.pretty] };
  const item: PathItem = { parameters: [nameParam, ...scope, P.pretty] };
  for (const verb of def.verbs) {
    const route = VERB_ROUTES[verb];
    if (route !== undefined)
      (route.on === 'collection' ? collection : item)[route.method] = resourceOperation(def, verb, route);
  }
  const paths: Record<string, PathItem> = {};
  if (Object.keys(collection).length > 1) paths[base] = collection;
  if (Object.keys(item).length > 1) paths[`${base}/{name}`] = item;
  for (const sub of def.subresources)
    paths[`${base}/{name}/${sub.name}`] = {
      parameters: [nameParam, ...scope, P.pretty],
      ...subresourceOperations(def, sub),
    };
  if (def.namespaced && def.verbs.includes('list')) {
    const list = resourceOperation(def, 'list', VERB_ROUTES.list!);
    list.operationId = `list${title(def)}${def.kind}ForAllNamespaces`;
    paths[`${prefixOf(def)}/${def.resource}`] = { parameters: [P.pretty], get: list };
  }
  return paths;
}
