// The GET an httpGet action describes (pkg/probe/http/request.go NewRequestForHTTPGetAction), shared by probes
// (User-Agent kube-probe/1.33) and lifecycle hooks (kube-lifecycle/1.33).
import type { HTTPGetAction } from 'kubernetes-types/core/v1.js';
import { resolveContainerPort } from './container-port.js';
import { joinHostPort, KUBE_VERSION } from './go-text.js';
import type { HttpGetRequest } from './http-client.js';
import type { HandlerTarget } from './types.js';

/** Builds the request; throws PortResolutionError when the port names no container port. */
export function buildHttpGetRequest(
  action: HTTPGetAction,
  target: HandlerTarget,
  purpose: 'probe' | 'lifecycle',
): HttpGetRequest {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase() || 'http';
  const host = action.host || target.podIP;
  const port = resolveContainerPort(action.port, target.container);
  const path = action.path ?? '';
  // Go's URL.String adds the slash a relative path lacks once there is a host (pkg/probe/http formatURL).
  const shownPath = path === '' || path.startsWith('/') ? path : `/${path}`;
  const displayUrl = `${scheme}://${joinHostPort(host, port)}${shownPath}`;
  const headers = probeHeaders(action, purpose);
  const hostHeader = headers.Host?.[0];
  delete headers.Host;
  const request: HttpGetRequest = { url: new URL(displayUrl), displayUrl, headers };
  if (hostHeader) request.host = hostHeader;
  return request;
}

/**
 * http.Header from httpHeaders (names canonicalised, repeated names kept), then User-Agent and `Accept: *\/*`
 * unless given; an Accept given empty is dropped (request.go newProbeRequest).
 */
function probeHeaders(action: HTTPGetAction, purpose: 'probe' | 'lifecycle'): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const { name, value } of action.httpHeaders ?? []) {
    const key = canonicalHeaderKey(name);
    (headers[key] ??= []).push(value);
  }
  headers['User-Agent'] ??= [`kube-${purpose}/${KUBE_VERSION}`];
  if (headers.Accept === undefined) headers.Accept = ['*/*'];
  else if ((headers.Accept[0] ?? '') === '') delete headers.Accept;
  return headers;
}

/** textproto.CanonicalMIMEHeaderKey: `x-custom-header` -> `X-Custom-Header`; names with odd bytes stay as given. */
function canonicalHeaderKey(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}
