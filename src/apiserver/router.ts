// Kubernetes REST paths (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): which resource, which object,
// which verb a request means.

export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface ResourceRequest {
  verb: Verb;
  group: string;
  version: string;
  /** '' for a cluster-wide or cluster-scoped request. */
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses `/api/v1/...` and `/apis/<group>/<version>/...`; undefined for any other path. */
export function parseResourcePath(
  method: string,
  pathname: string,
  query: URLSearchParams,
): ResourceRequest | undefined {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    rest = parts.slice(2);
  } else {
    return undefined;
  }
  const [version = '', ...segments] = rest;
  let namespace = '';
  // `namespaces/<ns>/<resource>...` scopes a request; `namespaces/<name>` alone, or with its own subresources
  // (status, finalize), is the Namespace object itself.
  if (
    segments[0] === 'namespaces' &&
    segments.length >= 3 &&
    !NAMESPACE_SUBRESOURCES.has(segments[2] ?? '')
  ) {
    namespace = segments[1] ?? '';
    segments.splice(0, 2);
  }
  const [resource = '', name = '', subresource = '', ...extra] = segments;
  if (resource === '' || extra.length > 0) return undefined;
  const verb = verbOf(method, name !== '', subresource, query);
  if (verb === undefined) return undefined;
  return { verb, group, version, namespace, resource, name, subresource };
}

function verbOf(
  method: string,
  named: boolean,
  subresource: string,
  query: URLSearchParams,
): Verb | undefined {
  const watching = query.get('watch') === 'true' || query.get('watch') === '1';
  if (['exec', 'attach', 'portforward', 'proxy'].includes(subresource)) return 'connect';
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watching) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      return named && subresource === '' ? undefined : 'create';
    case 'PUT':
      return named ? 'update' : undefined;
    case 'PATCH':
      return named ? 'patch' : undefined;
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
