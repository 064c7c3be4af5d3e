import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { issueCa } from '../../../../src/apiserver/pki/issue.js';
import { httpGetProbe } from '../../../../src/kubelet/prober/http-handler.js';
import { close, closedPort, container, listen, target } from './fixtures.js';

function route(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  if (path === '/ok') res.end('all good');
  else if (path === '/fail') res.writeHead(500).end('broken');
  else if (path === '/teapot') res.writeHead(418).end();
  else if (path.startsWith('/hop/')) {
    const n = Number(path.slice(5));
    res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/ok' }).end();
  } else if (path === '/loop') res.writeHead(302, { location: '/loop' }).end();
  else if (path === '/elsewhere') res.writeHead(302, { location: `http://localhost:1/` }).end('<a>moved</a>');
  else if (path === '/headers') res.end(JSON.stringify(req.headers));
  else if (path === '/big') res.end('x'.repeat(30 * 1024));
  else if (path === '/slow') setTimeout(() => res.end('late'), 3000).unref();
  else res.writeHead(404).end();
}

describe('httpGet probe', () => {
  const server = createServer(route);
  let port = 0;
  before(async () => {
    port = await listen(server);
  });
  after(async () => {
    server.closeAllConnections();
    await close(server);
  });

  test('a 200 answer is a success whose output is the body', async () => {
    assert.deepEqual(await httpGetProbe({ port, path: '/ok' }, target(), 1000), {
      result: 'success',
      output: 'all good',
    });
  });

  test('a 500 answer is a failure with kubelet message', async () => {
    assert.deepEqual(await httpGetProbe({ port, path: '/fail' }, target(), 1000), {
      result: 'failure',
      output: 'HTTP probe failed with statuscode: 500',
    });
  });

  test('redirects to the same host are followed, up to ten of them', async () => {
    assert.equal((await httpGetProbe({ port, path: '/hop/8' }, target(), 2000)).result, 'success');
    assert.deepEqual(await httpGetProbe({ port, path: '/loop' }, target(), 2000), {
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects`,
    });
  });

  test('a redirect to another host is not followed and counts as success with a warning', async () => {
    assert.deepEqual(await httpGetProbe({ port, path: '/elsewhere' }, target(), 1000), {
      result: 'warning',
      output: 'Probe terminated redirects, Response body: <a>moved</a>',
    });
  });

  test('sends kube-probe user agent, Accept */*, the custom headers and a Host override', async () => {
    const action = {
      port,
      path: '/headers',
      httpHeaders: [
        { name: 'x-custom', value: 'one' },
        { name: 'Host', value: 'example.test' },
      ],
    };
    const out = await httpGetProbe(action, target(), 1000);
    const headers = JSON.parse(out.output) as Record<string, string>;
    assert.equal(headers['user-agent'], 'kube-probe/1.33');
    assert.equal(headers.accept, '*/*');
    assert.equal(headers['x-custom'], 'one');
    assert.equal(headers.host, 'example.test');
  });

  test('a named port resolves against the container ports; an unknown name is an error', async () => {
    const named = target({ container: container({ ports: [{ name: 'http', containerPort: port }] }) });
    assert.equal((await httpGetProbe({ port: 'http', path: '/ok' }, named, 1000)).result, 'success');
    assert.deepEqual(await httpGetProbe({ port: 'metrics', path: '/ok' }, named, 1000), {
      result: 'unknown',
      output: 'strconv.Atoi: parsing "metrics": invalid syntax',
    });
  });

  test('reads at most 10 KiB of the body', async () => {
    assert.equal((await httpGetProbe({ port, path: '/big' }, target(), 1000)).output.length, 10 * 1024);
  });

  test('a server slower than the timeout gives Go client timeout text', async () => {
    assert.deepEqual(await httpGetProbe({ port, path: '/slow' }, target(), 200), {
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  test('a closed port gives the connection refused text', async () => {
    const dead = await closedPort();
    assert.deepEqual(await httpGetProbe({ port: dead, path: '/healthz' }, target(), 1000), {
      result: 'failure',
      output: `Get "http://127.0.0.1:${dead}/healthz": dial tcp 127.0.0.1:${dead}: connect: connection refused`,
    });
  });

  test('HTTPS to a plain HTTP server fails like Go does', async () => {
    const out = await httpGetProbe({ port, path: '/ok', scheme: 'HTTPS' }, target(), 1000);
    assert.deepEqual(out, {
      result: 'failure',
      output: `Get "https://127.0.0.1:${port}/ok": http: server gave HTTP response to HTTPS client`,
    });
  });
});

describe('httpGet probe over HTTPS', () => {
  let port = 0;
  let server: ReturnType<typeof createHttpsServer> | undefined;
  before(async () => {
    const pair = await issueCa('probe-test', new Date());
    server = createHttpsServer({ cert: pair.cert, key: pair.key }, route);
    port = await listen(server);
  });
  after(async () => {
    if (server) await close(server);
  });

  test('a self-signed certificate is accepted without verification', async () => {
    assert.deepEqual(await httpGetProbe({ port, path: '/ok', scheme: 'HTTPS' }, target(), 2000), {
      result: 'success',
      output: 'all good',
    });
  });
});
