import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { runLifecycleHandler, type HookContext } from '../../../../src/kubelet/prober/hook-runner.js';
import type { ExecInContainer } from '../../../../src/kubelet/prober/types.js';
import { close, closedPort, container, listen, pod, RecordingEvents } from './fixtures.js';

function hookContext(
  exec: ExecInContainer = () => Promise.resolve({ exitCode: 0, output: '', timedOut: false }),
): HookContext {
  return { pod: pod(), container: container(), containerId: 'c1', podIP: '127.0.0.1', exec };
}

describe('lifecycle hooks', () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers['user-agent']}`);
    res.writeHead(req.url === '/fail' ? 500 : 200).end();
  });
  let port = 0;
  before(async () => {
    port = await listen(server);
  });
  after(() => close(server));

  test('an exec hook that exits 0 succeeds; a non-zero exit gives kubelet text', async () => {
    assert.deepEqual(await runLifecycleHandler({ exec: { command: ['true'] } }, hookContext()), { ok: true });
    const failing: ExecInContainer = () =>
      Promise.resolve({ exitCode: 2, output: 'oops', stderr: 'oops', timedOut: false });
    assert.deepEqual(
      await runLifecycleHandler({ exec: { command: ['sh', '-c', 'exit 2'] } }, hookContext(failing)),
      {
        ok: false,
        message:
          'Exec lifecycle hook ([sh -c exit 2]) for Container "app" in Pod "web_default(uid-1)" failed - error: ' +
          `command 'sh -c exit 2' exited with 2: oops, message: "oops"`,
      },
    );
  });

  test('an HTTP hook sends kube-lifecycle and ignores the status code', async () => {
    assert.deepEqual(await runLifecycleHandler({ httpGet: { port, path: '/fail' } }, hookContext()), {
      ok: true,
    });
    assert.ok(seen.includes('/fail kube-lifecycle/1.33'));
  });

  test('an HTTP hook that cannot connect fails with kubelet text', async () => {
    const dead = await closedPort();
    assert.deepEqual(await runLifecycleHandler({ httpGet: { port: dead, path: '/stop' } }, hookContext()), {
      ok: false,
      message:
        'HTTP lifecycle hook (/stop) for Container "app" in Pod "web_default(uid-1)" failed - error: ' +
        `Get "http://127.0.0.1:${dead}/stop": dial tcp 127.0.0.1:${dead}: connect: connection refused`,
    });
  });

  test('an HTTPS hook answered by plain HTTP is retried over HTTP with a warning event', async () => {
    const events = new RecordingEvents();
    const ctx = { ...hookContext(), events };
    assert.deepEqual(await runLifecycleHandler({ httpGet: { port, path: '/tls', scheme: 'HTTPS' } }, ctx), {
      ok: true,
    });
    assert.deepEqual(events.events, [
      {
        type: 'Warning',
        reason: 'LifecycleHTTPFallback',
        message: `request to HTTPS lifecycle hook 127.0.0.1:${port} got HTTP response, retry with HTTP succeeded`,
      },
    ]);
  });

  test('a sleep hook cut short by the signal fails with kubelet text', async () => {
    const abort = new AbortController();
    const pending = runLifecycleHandler({ sleep: { seconds: 30 } }, hookContext(), abort.signal);
    abort.abort();
    assert.deepEqual(await pending, {
      ok: false,
      message:
        'Sleep lifecycle hook (30) for Container "app" in Pod "web_default(uid-1)" failed - error: ' +
        'container terminated before sleep hook finished',
    });
    assert.deepEqual(await runLifecycleHandler({ sleep: { seconds: 0 } }, hookContext()), { ok: true });
  });

  test('a tcpSocket hook always fails', async () => {
    const result = await runLifecycleHandler({ tcpSocket: { port: 8080 } }, hookContext());
    assert.deepEqual(result, {
      ok: false,
      message:
        'Cannot run handler: invalid handler: &LifecycleHandler{Exec:nil,HTTPGet:nil,' +
        'TCPSocket:&TCPSocketAction{Port:{0 8080 },Host:,},Sleep:nil,}',
    });
  });
});
