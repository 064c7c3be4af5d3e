// kube-apiserver's max-in-flight filter (k8s.io/apiserver/pkg/server/filters/maxinflight.go): at most N read-only
// and M mutating requests are served at once; one more is answered 429 with `Retry-After: 1`. Long-running
// requests (watches, exec, attach, port-forward, logs, proxy) hold no seat, and system:masters is never refused.
import type { ServerResponse } from 'node:http';
import type { UserInfo } from './authn.js';
import { MASTERS_GROUP } from './authn.js';

export interface InflightLimits {
  /** `--max-requests-inflight` (default 400); 0 means no limit. */
  readOnly: number;
  /** `--max-mutating-requests-inflight` (default 200); 0 means no limit. */
  mutating: number;
}

/** What a request is for the limiter, from its method and path (requestinfo.go's verb and subresource). */
export type RequestKind = 'readOnly' | 'mutating' | 'longRunning';

export const DEFAULT_INFLIGHT_LIMITS: InflightLimits = { readOnly: 400, mutating: 200 };

/** maxinflight.go retryAfter and priority-and-fairness.go tooManyRequests. */
const RETRY_AFTER_SECONDS = '1';
const TOO_MANY_REQUESTS = 'Too many requests, please try again later.';

// cmd/kube-apiserver: BasicLongRunningRequestCheck(verbs {watch, proxy}, subresources {attach, exec, proxy, log,
// portforward}); the subresources count only on resource paths.
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);
const READ_ONLY_METHODS = new Set(['GET', 'HEAD']);

export class InflightLimiter {
  private readonly inUse = { readOnly: 0, mutating: 0 };
  /** Requests refused since the start, for the figures and the metrics. */
  refused = 0;

  constructor(private readonly limits: InflightLimits = DEFAULT_INFLIGHT_LIMITS) {}

  /**
   * Takes a seat for a request and frees it when the response is done (as the Go filter frees it when the
   * handler returns, after the reply is written). False when there is no seat: the 429 has been sent.
   */
  admit(kind: RequestKind, user: UserInfo, res: ServerResponse): boolean {
    if (kind === 'longRunning') return true;
    const limit = this.limits[kind];
    if (limit === 0) return true;
    if (this.inUse[kind] >= limit) {
      // kube lets the cluster admins through a full limiter, so that they can always act on an overloaded server.
      if (user.groups.includes(MASTERS_GROUP)) return true;
      this.refused += 1;
      sendTooManyRequests(res);
      return false;
    }
    this.inUse[kind] += 1;
    res.once('close', () => (this.inUse[kind] -= 1));
    return true;
  }

  /** Seats taken now, for tests and metrics. */
  inFlight(kind: Exclude<RequestKind, 'longRunning'>): number {
    return this.inUse[kind];
  }
}

/**
 * The limiter's view of a request: watches (`?watch=true`, `/watch/` paths) and the streaming subresources are
 * long-running; GET and HEAD are read-only; every other method is mutating.
 */
export function requestKind(method: string, pathname: string, query: URLSearchParams): RequestKind {
  const watch = query.get('watch');
  if (READ_ONLY_METHODS.has(method) && (watch === 'true' || watch === '1')) return 'longRunning';
  const parts = pathname.split('/').filter((p) => p !== '');
  const resourcePath =
    (parts[0] === 'api' && parts.length >= 3) || (parts[0] === 'apis' && parts.length >= 4);
  if (resourcePath) {
    const versionAt = parts[0] === 'api' ? 1 : 2;
    const rest = parts.slice(versionAt + 1);
    if (rest[0] === 'watch' || rest[0] === 'proxy') return 'longRunning';
    const scoped = rest[0] === 'namespaces' && rest.length >= 3 ? rest.slice(2) : rest;
    if (LONG_RUNNING_SUBRESOURCES.has(scoped[2] ?? '')) return 'longRunning';
  }
  return READ_ONLY_METHODS.has(method) ? 'readOnly' : 'mutating';
}

/** The Go filter's reply: http.Error's plain text, not a Status, with Retry-After. */
export function sendTooManyRequests(res: ServerResponse): void {
  const body = `${TOO_MANY_REQUESTS}\n`;
  res.writeHead(429, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Retry-After': RETRY_AFTER_SECONDS,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
