import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, test } from 'node:test';
import { grpcProbe } from '../../../../src/kubelet/prober/grpc-handler.js';
import { closedPort, listen, target } from './fixtures.js';

/** A tiny grpc.health.v1 server: "" and "db" are SERVING, "cache" NOT_SERVING, others NOT_FOUND. */
function healthServer(): http2.Http2Server {
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if (headers[':path'] !== '/grpc.health.v1.Health/Check') {
        stream.respond(
          {
            ':status': 200,
            'content-type': 'application/grpc',
            'grpc-status': '12',
            'grpc-message': 'unknown method',
          },
          { endStream: true },
        );
        return;
      }
      const body = Buffer.concat(chunks);
      const service = body.length > 7 ? body.subarray(7).toString() : '';
      const status = service === '' || service === 'db' ? 1 : service === 'cache' ? 2 : undefined;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () =>
        stream.sendTrailers(
          status === undefined
            ? { 'grpc-status': '5', 'grpc-message': 'unknown%20service' }
            : { 'grpc-status': '0' },
        ),
      );
      stream.end(status === undefined ? Buffer.alloc(0) : Buffer.from([0, 0, 0, 0, 2, 0x08, status]));
    });
  });
  return server;
}

describe('grpc probe', () => {
  const server = healthServer();
  let port = 0;
  before(async () => {
    port = await listen(server as unknown as import('node:net').Server);
  });
  after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  );

  test('SERVING is a success', async () => {
    assert.deepEqual(await grpcProbe({ port }, target(), 1000), {
      result: 'success',
      output: 'service healthy',
    });
    assert.equal((await grpcProbe({ port, service: 'db' }, target(), 1000)).result, 'success');
  });

  test('NOT_SERVING is a failure naming the status', async () => {
    assert.deepEqual(await grpcProbe({ port, service: 'cache' }, target(), 1000), {
      result: 'failure',
      output: 'service unhealthy (responded with "NOT_SERVING")',
    });
  });

  test('an unknown service is a failure with the rpc error', async () => {
    assert.deepEqual(await grpcProbe({ port, service: 'nope' }, target(), 1000), {
      result: 'failure',
      output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service',
    });
  });

  test('nothing listening is a connect timeout after the probe timeout', async () => {
    const dead = await closedPort();
    assert.deepEqual(await grpcProbe({ port: dead }, target(), 1000), {
      result: 'failure',
      output: `timeout: failed to connect service "127.0.0.1:${dead}" within 1s: context deadline exceeded`,
    });
  });
});
