// The documents that describe the API: /version, discovery (aggregated and legacy) and OpenAPI v3.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  legacyApiGroupList,
  legacyApiResourceList,
  legacyApiVersions,
  negotiateDiscovery,
  versionInfo,
} from './discovery.js';
import { sendJson } from './http-io.js';
import { etagOf, matchesEtag } from './openapi/etag.js';
import { sharedOpenApi } from './openapi/v3.js';
import { notAcceptable, pathNotFound } from './status.js';

/** Answers a discovery or OpenAPI path; false when `path` is none of them. */
export function serveDiscovery(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  server: { host: string; port: number },
): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (path === '/version') {
    sendJson(res, 200, versionInfo());
    return true;
  }
  if (path === '/api' || path === '/apis') {
    serveGroups(req, res, path === '/api' ? 'api' : 'apis', server);
    return true;
  }
  if (path.startsWith('/openapi/')) {
    serveOpenApi(req, res, path);
    return true;
  }
  const groupVersion = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (groupVersion === null) return false;
  const list = groupVersion[1]
    ? legacyApiResourceList('', groupVersion[1])
    : legacyApiResourceList(groupVersion[2] ?? '', groupVersion[3] ?? '');
  if (list === undefined) throw pathNotFound();
  sendJson(res, 200, list);
  return true;
}

function serveGroups(
  req: IncomingMessage,
  res: ServerResponse,
  scope: 'api' | 'apis',
  server: { host: string; port: number },
): void {
  const form = negotiateDiscovery(req.headers.accept);
  if (form === 'not-acceptable') throw notAcceptable(['application/json']);
  if (form === 'legacy') {
    const address = `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
    sendJson(res, 200, scope === 'api' ? legacyApiVersions(address) : legacyApiGroupList());
    return;
  }
  const body = JSON.stringify(aggregatedDiscovery(scope, form));
  const etag = etagOf(body);
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ETag: etag, Vary: 'Accept' });
    res.end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': aggregatedContentType(form),
    ETag: etag,
    Vary: 'Accept',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

// kubectl asks with the @ form in Accept; the reply's Content-Type must parse as a MIME type (kube-openapi's handler).
const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** /openapi/v3 and its documents, and /openapi/v2 in protobuf (what kubectl 1.27 reads). */
function serveOpenApi(req: IncomingMessage, res: ServerResponse, path: string): void {
  if (path === '/openapi/v2') {
    const body = sharedOpenApi().v2Protobuf();
    const etag = etagOf(body);
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.writeHead(304, { ETag: etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF, ETag: etag, 'Content-Length': body.length });
    res.end(body);
    return;
  }
  const url = new URL(req.url ?? path, 'https://podlet');
  const reply = sharedOpenApi().reply(
    path,
    url.searchParams,
    req.headers.accept,
    req.headers['if-none-match'],
  );
  if (reply === undefined || reply.status === 404) throw pathNotFound();
  if (reply.status === 406) throw notAcceptable(['application/json']);
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}
