import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dashboard, TOKENS_PATH } from '../../../src/apiserver/dashboard/dashboard.js';
import { sendError } from '../../../src/apiserver/http-io.js';
import type { UserInfo } from '../../../src/apiserver/authn.js';

const admin: UserInfo = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
const viewer: UserInfo = { username: 'jane', groups: ['system:authenticated'] };

/** The dashboard behind plain HTTP; the `x-test-user` header stands for a client certificate. */
function userOf(req: IncomingMessage): UserInfo | undefined {
  const name = req.headers['x-test-user'];
  return name === 'admin' ? admin : name === 'jane' ? viewer : undefined;
}

describe('the dashboard login', () => {
  let root: string;
  let server: Server;
  let base: string;
  const dashboard = { current: undefined as Dashboard | undefined };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'podlet-ui-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(root, 'assets', 'app.js'), 'export {};');
    dashboard.current = new Dashboard({ uiRoot: root });
    const d = dashboard.current;
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://podlet');
      d.serve(req, res, url, userOf(req)).catch((e: unknown) => sendError(res, e));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(root, { recursive: true, force: true });
  });

  async function mint(user = 'admin'): Promise<Response> {
    return fetch(base + TOKENS_PATH, { method: 'POST', headers: { 'x-test-user': user } });
  }

  async function login(): Promise<string> {
    const { token } = (await (await mint()).json()) as { token: string };
    const res = await fetch(`${base}/ui/login?token=${token}`, { redirect: 'manual' });
    const cookie = res.headers.get('set-cookie') ?? '';
    return cookie.split(';')[0] ?? '';
  }

  test('mints a login token only for an admin', async () => {
    assert.equal((await fetch(base + TOKENS_PATH, { method: 'POST' })).status, 401);
    assert.equal((await mint('jane')).status, 403);
    const res = await mint();
    assert.equal(res.status, 201);
    const body = (await res.json()) as { kind: string; token: string; expirationTimestamp: string };
    assert.equal(body.kind, 'DashboardLoginToken');
    assert.ok(Date.parse(body.expirationTimestamp) > Date.now());
  });

  test('trades the token for a session cookie and sends the browser to /ui/', async () => {
    const { token } = (await (await mint()).json()) as { token: string };
    const res = await fetch(`${base}/ui/login?token=${token}`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/ui/');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.match(
      res.headers.get('set-cookie') ?? '',
      /^podlet-session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
    const again = await fetch(`${base}/ui/login?token=${token}`, { redirect: 'manual' });
    assert.equal(again.status, 401, 'the token was spent');
  });

  test('serves the app to a session and a 401 page naming `podlet dashboard` to anyone else', async () => {
    const anonymous = await fetch(`${base}/ui/pods/default/web`);
    assert.equal(anonymous.status, 401);
    assert.match(await anonymous.text(), /podlet dashboard/);
    const cookie = await login();
    const page = await fetch(`${base}/ui/pods/default/web`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(await page.text(), /<title>app<\/title>/);
    const script = await fetch(`${base}/ui/assets/app.js`, { headers: { cookie } });
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${base}/ui/assets/missing.js`, { headers: { cookie } })).status, 404);
  });

  test('sends /ui to /ui/', async () => {
    const res = await fetch(`${base}/ui`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/ui/');
  });

  test("lets a session's cookie stand for its user on reads, and on writes only with the app's header", async () => {
    const d = dashboard.current!;
    const session = d.sessions.redeem(d.sessions.mintToken(admin).token)!;
    const req = (method: string, headers: Record<string, string>) =>
      ({
        method,
        headers: { cookie: `podlet-session=${session.id}`, ...headers },
      }) as unknown as IncomingMessage;
    assert.deepEqual(d.sessionUser(req('GET', {})), admin);
    assert.equal(d.sessionUser(req('DELETE', {})), undefined);
    assert.deepEqual(d.sessionUser(req('DELETE', { 'x-podlet-ui': '1' })), admin);
    assert.equal(d.sessionUser({ method: 'GET', headers: {} } as IncomingMessage), undefined);
  });

  test('answers only its own paths', () => {
    const d = dashboard.current!;
    assert.ok(d.handles('/ui/'));
    assert.ok(d.handles('/ui'));
    assert.ok(d.handles(TOKENS_PATH));
    assert.ok(!d.handles('/api/v1/pods'));
    assert.ok(!d.handles('/uikit'));
  });
});
