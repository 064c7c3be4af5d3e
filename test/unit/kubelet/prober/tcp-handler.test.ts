import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { tcpSocketProbe } from '../../../../src/kubelet/prober/tcp-handler.js';
import { close, closedPort, container, listen, target } from './fixtures.js';

describe('tcpSocket probe', () => {
  const server = createServer((socket) => socket.destroy());
  let port = 0;
  before(async () => {
    port = await listen(server);
  });
  after(() => close(server));

  test('an open port is a success', async () => {
    assert.deepEqual(await tcpSocketProbe({ port }, target(), 1000), { result: 'success', output: '' });
  });

  test('a named port resolves to its containerPort', async () => {
    const named = target({ container: container({ ports: [{ name: 'db', containerPort: port }] }) });
    assert.equal((await tcpSocketProbe({ port: 'db' }, named, 1000)).result, 'success');
  });

  test('a closed port is a failure with the Go dial text', async () => {
    const dead = await closedPort();
    assert.deepEqual(await tcpSocketProbe({ port: dead }, target(), 1000), {
      result: 'failure',
      output: `dial tcp 127.0.0.1:${dead}: connect: connection refused`,
    });
  });

  test('a port out of range is an error, not a failure', async () => {
    assert.deepEqual(await tcpSocketProbe({ port: 70000 }, target(), 1000), {
      result: 'unknown',
      output: 'invalid port number: 70000',
    });
  });
});
