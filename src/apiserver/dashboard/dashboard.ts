// The web dashboard's server side (docs/decisions/0032-dashboard.md): `podlet dashboard` mints a one-time login
// token with the admin certificate, the browser trades it at /ui/login for a session cookie, and that cookie then
// stands for the admin on the API paths the app reads, on the same origin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize, type UserInfo } from '../authn.js';
import { sendJson } from '../http-io.js';
import { forbiddenMessage, methodNotSupported, unauthorized } from '../status.js';
import { DashboardSessions, sessionCookie, setSessionCookie } from './sessions.js';
import { PAGE_HEADERS, serveUiFile, UI_PREFIX } from './static-files.js';

export interface DashboardOptions {
  /** The built app (dist/ui). */
  uiRoot: string;
  sessions?: DashboardSessions;
}

/** The reply to a token request: what `podlet dashboard` turns into the login link. */
export interface DashboardLoginToken {
  apiVersion: 'podlet.dev/v1';
  kind: 'DashboardLoginToken';
  token: string;
  expirationTimestamp: string;
}

/** podlet's extension path where an admin mints login tokens. */
export const TOKENS_PATH = '/podlet/v1/dashboard-tokens';
const LOGIN_PATH = '/ui/login';
/**
 * Writes from the app carry this header. Another site's page cannot add it without a CORS preflight, which the
 * server never grants, so a session cookie never authorizes a write that the app itself did not make.
 */
export const UI_HEADER = 'x-podlet-ui';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class Dashboard {
  readonly sessions: DashboardSessions;

  constructor(private readonly options: DashboardOptions) {
    this.sessions = options.sessions ?? new DashboardSessions();
  }

  /** Whether the dashboard answers this path rather than the API. */
  handles(pathname: string): boolean {
    return pathname === '/ui' || pathname.startsWith(UI_PREFIX) || pathname === TOKENS_PATH;
  }

  /** The user a session cookie stands for; none for a write without the app's header. */
  sessionUser(req: IncomingMessage): UserInfo | undefined {
    const id = sessionCookie(req.headers.cookie);
    if (id === undefined) return undefined;
    if (!SAFE_METHODS.has(req.method ?? 'GET') && req.headers[UI_HEADER] !== '1') return undefined;
    return this.sessions.userOf(id);
  }

  /** Answers a path `handles` accepted; `apiUser` is who a client certificate or bearer token names. */
  async serve(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    apiUser: UserInfo | undefined,
  ): Promise<void> {
    if (url.pathname === TOKENS_PATH) return this.mintToken(req, res, apiUser);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw methodNotSupported('dashboard', req.method ?? '');
    if (url.pathname === '/ui') return redirect(res, UI_PREFIX);
    if (url.pathname === LOGIN_PATH) return this.login(req, res, url);
    if (this.sessionUser(req) === undefined) return sendLoginPage(res, 'You are not logged in.');
    await serveUiFile(this.options.uiRoot, url.pathname, res);
  }

  private mintToken(req: IncomingMessage, res: ServerResponse, user: UserInfo | undefined): void {
    if (user === undefined) throw unauthorized();
    if (req.method !== 'POST') throw methodNotSupported('dashboard-tokens', req.method ?? '');
    const decision = authorize(user, { nonResourceAttributes: { verb: 'create', path: TOKENS_PATH } });
    if (!decision.allowed)
      throw forbiddenMessage(
        `User "${user.username}" cannot create dashboard login tokens: ${decision.reason}`,
      );
    const { token, expiresAt } = this.sessions.mintToken(user);
    const reply: DashboardLoginToken = {
      apiVersion: 'podlet.dev/v1',
      kind: 'DashboardLoginToken',
      token,
      expirationTimestamp: expiresAt.toISOString(),
    };
    sendJson(res, 201, reply);
  }

  private login(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const token = url.searchParams.get('token') ?? '';
    const session = token === '' ? undefined : this.sessions.redeem(token);
    if (session === undefined) {
      // A second click on a spent link while already logged in just opens the app.
      if (this.sessionUser(req) !== undefined) return redirect(res, UI_PREFIX);
      return sendLoginPage(res, 'This login link has expired or was used already.');
    }
    redirect(res, UI_PREFIX, { 'Set-Cookie': setSessionCookie(session, Date.now()) });
  }
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { ...PAGE_HEADERS, ...headers, Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

/** The 401 page: no anonymous access, and the way in is one command away. */
function sendLoginPage(res: ServerResponse, why: string): void {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>podlet: log in</title></head>
<body>
<h1>podlet dashboard</h1>
<p>${why}</p>
<p>Run <code>podlet dashboard</code> on the node for a one-time login link.</p>
</body></html>
`;
  res.writeHead(401, {
    ...PAGE_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
