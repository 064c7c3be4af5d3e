// One HTTP GET as kubelet's probe and lifecycle clients send it: no keep-alive, no certificate checks, redirects
// followed only to the same host name and at most 10 times, at most 10 KiB of body read, and Go's error texts
// (pkg/probe/http/http.go: New, RedirectChecker, DoHTTPProbe; net/http Client.Do).
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { dialErrorText, errorCode, errorMessage, readErrorText } from './go-text.js';

export interface HttpGetRequest {
  url: URL;
  /** How the URL reads in Go's messages (Node's URL drops a default port that Go keeps). */
  displayUrl: string;
  headers: Record<string, string[]>;
  /** An explicit Host header (an httpHeaders entry named Host); else the URL's host and port. */
  host?: string;
}

export interface HttpGetOptions {
  /** Go's Client.Timeout: one budget for every hop, headers and body. Absent: no timeout (lifecycle hooks). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type HttpGetResult =
  | { kind: 'response'; status: number; body: string }
  | {
      kind: 'error';
      message: string;
      /** Reading the body failed: DoHTTPProbe returns that as an error rather than a failure. */
      duringBody: boolean;
      /** The HTTPS handshake met a plain HTTP server (the lifecycle hook then retries with HTTP). */
      httpResponseToHttps: boolean;
    };

/** pkg/probe/http maxRespBodyLength. */
export const MAX_BODY_BYTES = 10 * 1024;
const MAX_REDIRECTS = 10;
/** The statuses Go's client follows (net/http redirectBehavior). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

type HttpGetError = Extract<HttpGetResult, { kind: 'error' }>;
type Hop = { kind: 'response'; status: number; body: string; location: string | undefined } | HttpGetError;

/** Sends the GET, following same-host redirects; a redirect to another host is returned as the response. */
export async function httpGet(request: HttpGetRequest, options: HttpGetOptions = {}): Promise<HttpGetResult> {
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  const firstHost = request.url.hostname;
  let current = request;
  for (let hops = 1; ; hops++) {
    const hop = await sendOnce(current, deadline, options.signal);
    if (hop.kind === 'error' || !REDIRECTS.has(hop.status) || hop.location === undefined) return strip(hop);
    let next: URL;
    try {
      next = new URL(hop.location, current.url);
    } catch (err) {
      return requestError(
        current,
        `failed to parse Location header ${JSON.stringify(hop.location)}: ${errorMessage(err)}`,
      );
    }
    if (next.hostname !== firstHost) return strip(hop);
    if (hops >= MAX_REDIRECTS) return requestError(current, 'stopped after 10 redirects');
    // Go keeps a custom Host header only across a relative redirect (net/http Client.makeHeadersCopier).
    const relative = !/^[a-z][a-z0-9+.-]*:/i.test(hop.location) && !hop.location.startsWith('//');
    current = { url: next, displayUrl: next.href, headers: current.headers };
    if (relative && request.host !== undefined) current.host = request.host;
  }
}

function strip(hop: Hop): HttpGetResult {
  return hop.kind === 'response' ? { kind: 'response', status: hop.status, body: hop.body } : hop;
}

function requestError(request: HttpGetRequest, text: string, httpResponseToHttps = false): HttpGetError {
  return {
    kind: 'error',
    message: `Get ${JSON.stringify(request.displayUrl)}: ${text}`,
    duringBody: false,
    httpResponseToHttps,
  };
}

function bodyError(text: string): HttpGetError {
  return { kind: 'error', message: text, duringBody: true, httpResponseToHttps: false };
}

/** One request/response exchange, settled exactly once. */
function sendOnce(request: HttpGetRequest, deadline: number | undefined, signal?: AbortSignal): Promise<Hop> {
  return new Promise((resolve) => {
    const { options, hostPort } = requestOptions(request);
    let phase: 'connect' | 'headers' | 'body' = 'connect';
    let settled = false;
    const settle = (hop: Hop): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(hop);
    };
    const onAbort = (): void =>
      settle(phase === 'body' ? bodyError('context canceled') : requestError(request, 'context canceled'));
    const req = (request.url.protocol === 'https:' ? https : http).request(options);
    req.on('socket', (socket) =>
      socket.once('connect', () => (phase = phase === 'connect' ? 'headers' : phase)),
    );
    req.on('error', (err) =>
      settle(exchangeError(request, hostPort, phase, err, req.socket?.localAddress, req.socket?.localPort)),
    );
    req.on('response', (res) => {
      phase = 'body';
      collectBody(res, settle);
    });
    const timer =
      deadline === undefined
        ? undefined
        : setTimeout(
            () => settle(timeoutError(request, hostPort, phase)),
            Math.max(0, deadline - Date.now()),
          );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

/** No keep-alive (agent: false, as the probe transport's DisableKeepAlives) and no certificate verification. */
function requestOptions(request: HttpGetRequest): { options: https.RequestOptions; hostPort: string } {
  const { url } = request;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const hostPort = hostname.includes(':') ? `[${hostname}]:${port}` : `${hostname}:${port}`;
  const options: https.RequestOptions = {
    host: hostname,
    port,
    path: `${url.pathname}${url.search}`,
    method: 'GET',
    // Go sends the URL's host and port as written, default port included.
    headers: { ...request.headers, Host: request.host ?? hostPort },
    agent: false,
    ...(secure ? { rejectUnauthorized: false, ...(isIP(hostname) ? {} : { servername: hostname }) } : {}),
  };
  return { options, hostPort };
}

/** Reads the body up to MAX_BODY_BYTES (utilio.ReadAtMost); more is left unread and the connection dropped. */
function collectBody(res: http.IncomingMessage, settle: (hop: Hop) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const done = (): void =>
    settle({
      kind: 'response',
      status: res.statusCode ?? 0,
      body: Buffer.concat(chunks).toString(),
      location: res.headers.location,
    });
  res.on('data', (chunk: Buffer) => {
    const room = MAX_BODY_BYTES - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= MAX_BODY_BYTES) done();
  });
  res.on('end', done);
  res.on('aborted', () => settle(bodyError('unexpected EOF')));
  res.on('error', () => settle(bodyError('unexpected EOF')));
}

/** What Go's client says when Client.Timeout runs out in each phase. */
function timeoutError(
  request: HttpGetRequest,
  hostPort: string,
  phase: 'connect' | 'headers' | 'body',
): HttpGetError {
  if (phase === 'body')
    return bodyError('context deadline exceeded (Client.Timeout or context cancellation while reading body)');
  const cause = phase === 'connect' ? `dial tcp ${hostPort}: i/o timeout` : 'context deadline exceeded';
  return requestError(request, `${cause} (Client.Timeout exceeded while awaiting headers)`);
}

function exchangeError(
  request: HttpGetRequest,
  hostPort: string,
  phase: 'connect' | 'headers' | 'body',
  err: unknown,
  localAddress: string | undefined,
  localPort: number | undefined,
): HttpGetError {
  const code = errorCode(err) ?? '';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(errorMessage(err)))
    return requestError(request, 'http: server gave HTTP response to HTTPS client', true);
  if (phase === 'connect' && code !== 'ECONNRESET')
    return requestError(request, dialErrorText(hostPort, err));
  const local =
    localAddress === undefined
      ? undefined
      : `${localAddress.includes(':') ? `[${localAddress}]` : localAddress}:${localPort}`;
  return requestError(request, readErrorText(local, hostPort, err));
}
