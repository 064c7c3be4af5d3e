import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { after, describe, test } from 'node:test';
import { SpdySession } from '../../../../src/apiserver/spdy/session.js';
import type { SpdyStream } from '../../../../src/apiserver/spdy/stream.js';
import { silentLogger } from '../../../../src/util/log.js';
import { loopback, type SpdyTestClient } from './spdy-test-client.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('SPDY/3.1 server session', () => {
  const cleanups: (() => void)[] = [];
  after(() => cleanups.forEach((c) => c()));

  async function start(onStream: (stream: SpdyStream, session: SpdySession) => void): Promise<{
    client: SpdyTestClient;
    session: Promise<SpdySession>;
  }> {
    let resolveSession!: (s: SpdySession) => void;
    const session = new Promise<SpdySession>((r) => (resolveSession = r));
    const { client, server } = await loopback((socket) => {
      const s: SpdySession = new SpdySession(socket, {
        onStream: (st) => onStream(st, s),
        logger: silentLogger,
      });
      resolveSession(s);
    });
    cleanups.push(() => {
      client.close();
      (server as Server).close();
    });
    return { client, session };
  }

  test('accepts a stream with its headers, echoes data both ways with half-closes, and answers PING', async () => {
    const seen: Record<string, string>[] = [];
    const { client } = await start((stream) => {
      seen.push(stream.headers);
      stream.pipe(stream);
    });
    const id = await client.openStream({ streamType: 'data', port: '8080', requestID: '0' });
    await client.until('SYN_REPLY', () => client.replyHeaders.get(id));
    assert.deepEqual(seen, [{ streamtype: 'data', port: '8080', requestid: '0' }]);
    client.send({ type: 'data', streamId: id, fin: false, data: Buffer.from('hello ') });
    client.send({ type: 'data', streamId: id, fin: true, data: Buffer.from('world') });
    await client.until('the echo and FIN', () => client.finished(id));
    assert.equal(client.dataOf(id).toString(), 'hello world');
    client.send({ type: 'ping', id: 7 });
    await client.until('the PING answer', () => client.frames.find((f) => f.type === 'ping' && f.id === 7));
  });

  test('header blocks of many streams share the compression context in both directions', async () => {
    const { client } = await start((stream) => stream.end(stream.headers['n']));
    const ids = [];
    for (let n = 0; n < 20; n++) ids.push(await client.openStream({ n: String(n), streamType: 'data' }));
    for (const [n, id] of ids.entries()) {
      await client.until(`stream ${id}`, () => client.finished(id));
      assert.equal(client.dataOf(id).toString(), String(n));
      assert.deepEqual(client.replyHeaders.get(id), {});
    }
  });

  test('a RST_STREAM from the peer destroys the stream, and a stream we drop is reset with CANCEL', async () => {
    const streams: SpdyStream[] = [];
    const { client } = await start((stream) => streams.push(stream));
    const first = await client.openStream({ a: '1' });
    const second = await client.openStream({ a: '2' });
    await client.until('both streams', () => streams.length === 2);
    client.send({ type: 'rst_stream', streamId: first, status: 5 });
    await client.until('the reset to land', () => streams[0]!.destroyed);
    assert.equal(streams[0]!.wasReset, true);
    streams[1]!.destroy();
    await client.until('RST_STREAM CANCEL', () =>
      client.frames.find((f) => f.type === 'rst_stream' && f.streamId === second && f.status === 5),
    );
  });

  test('sends 1 MiB within the windows of a peer that does flow control, and only as it is credited', async () => {
    const payload = randomBytes(MiB);
    const { client } = await start((stream) => stream.end(payload));
    client.send({ type: 'settings', clear: false, entries: [{ id: 7, flags: 0, value: 64 * 1024 }] });
    const id = await client.openStream({ streamType: 'stdout' });
    await client.until('a full window', () => client.dataOf(id).length === 64 * 1024);
    // A PING answered means the server handled everything sent before it, yet no byte more came.
    client.send({ type: 'ping', id: 1 });
    await client.until('PING', () => client.frames.find((f) => f.type === 'ping'));
    assert.equal(client.dataOf(id).length, 64 * 1024);
    let credited = 64 * 1024;
    while (!client.finished(id)) {
      const received = client.dataOf(id).length;
      if (received === credited) {
        const delta = Math.min(48 * 1024, MiB - received);
        client.send({ type: 'window_update', streamId: id, delta });
        client.send({ type: 'window_update', streamId: 0, delta });
        credited += delta;
      }
      await client.until('more data', () => client.dataOf(id).length > received || client.finished(id));
      assert.ok(client.dataOf(id).length <= credited, 'never more than the window');
    }
    assert.equal(sha(client.dataOf(id)), sha(payload));
  });

  test('writes queued behind one another leave as a few DATA frames of at most 1 MiB, bytes in order', async () => {
    const payload = randomBytes(3 * MiB);
    const { client } = await start((stream) => {
      for (let offset = 0; offset < payload.length; offset += 64 * 1024) {
        stream.write(payload.subarray(offset, offset + 64 * 1024));
      }
      stream.end();
    });
    const id = await client.openStream({ streamType: 'data' });
    await client.until('all the data', () => client.finished(id));
    assert.equal(sha(client.dataOf(id)), sha(payload));
    const sizes = client.frames.flatMap((f) =>
      f.type === 'data' && f.streamId === id ? [f.data.length] : [],
    );
    assert.ok(
      sizes.every((size) => size <= MiB),
      `frame sizes ${sizes.join(' ')}`,
    );
    // 48 writes of 64 KiB: all but the first wait for the one before, and go out together.
    assert.ok(sizes.length <= 8, `${sizes.length} frames`);
  });

  test('credits the peer with WINDOW_UPDATEs as 1 MiB it sent is read', async () => {
    const payload = randomBytes(MiB);
    let received: Promise<Buffer> | undefined;
    const { client } = await start((stream) => {
      received = (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      })();
    });
    const id = await client.openStream({ streamType: 'stdin' });
    for (let offset = 0; offset < MiB; offset += 16 * 1024) {
      const data = payload.subarray(offset, offset + 16 * 1024);
      client.send({ type: 'data', streamId: id, fin: offset + data.length === MiB, data });
    }
    await client.until('the handler', () => received);
    assert.equal(sha(await received!), sha(payload));
    const credit = (streamId: number) =>
      client.frames.reduce(
        (sum, f) => sum + (f.type === 'window_update' && f.streamId === streamId ? f.delta : 0),
        0,
      );
    await client
      .until('stream credit', () => credit(id) >= MiB - 64 * 1024)
      .catch((e) => {
        throw new Error(`${e.message}: ${credit(id)} ${credit(0)}`);
      });
    await client.until('session credit', () => credit(0) >= MiB - 64 * 1024);
  });

  test('close says GOAWAY with the last stream id and ends the connection', async () => {
    const { client, session } = await start(() => undefined);
    const id = await client.openStream({ a: 'b' });
    await client.until('SYN_REPLY', () => client.replyHeaders.get(id));
    (await session).close();
    await client.until('GOAWAY', () =>
      client.frames.find((f) => f.type === 'goaway' && f.lastGoodStreamId === id && f.status === 0),
    );
    await client.until('the end of the connection', () => client.ended);
    await (
      await session
    ).closed;
  });
});
