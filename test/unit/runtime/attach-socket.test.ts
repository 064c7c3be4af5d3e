// The attach client against a stand-in for conmon's side: a SOCK_SEQPACKET server that frames output the way
// conmon does (one byte of pipe, then data) and a ctl fifo, in a temporary directory.
import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SeqpacketServer, type SeqpacketSocket } from 'node-unix-socket';
import { attachToContainer, type AttachStream } from '../../../src/runtime/attach-socket.js';
import { run } from '../../../src/util/exec.js';

const ID = 'c0ffee';

describe('the conmon attach client', () => {
  let dir: string;
  let server: SeqpacketServer;
  const clients: SeqpacketSocket[] = [];
  const received: Buffer[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podlet-attach-'));
    await run('mkdir', ['-p', join(dir, ID)], { timeoutMs: 5_000 });
    await run('mkfifo', [join(dir, ID, 'ctl')], { timeoutMs: 5_000 });
    server = new SeqpacketServer();
    server.on('connection', (socket: SeqpacketSocket) => {
      clients.push(socket);
      socket.on('data', (packet: Buffer) => received.push(packet));
    });
    server.listen(join(dir, ID, 'attach'));
  });

  after(async () => {
    for (const c of clients) c.destroy();
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('sorts output by the pipe byte and ends when conmon closes the connection', async () => {
    const attachment = await attachToContainer(dir, ID);
    const seen: [AttachStream, string][] = [];
    attachment.onOutput((stream, data) => seen.push([stream, data.toString()]));
    await waitUntil(() => clients.length === 1);
    const conmon = clients[0]!;
    conmon.write(Buffer.from('\x02out'));
    conmon.write(Buffer.from('\x03err'));
    conmon.write(Buffer.from('\x01ignored'));
    await waitUntil(() => seen.length === 2);
    conmon.destroy();
    await attachment.ended;
    assert.deepEqual(seen, [
      ['stdout', 'out'],
      ['stderr', 'err'],
    ]);
  });

  test('sends input in packets conmon reads whole, at most 32 KiB each', async () => {
    const attachment = await attachToContainer(dir, ID);
    received.length = 0;
    attachment.writeStdin(Buffer.alloc(70_000, 'x'));
    await waitUntil(() => received.reduce((n, p) => n + p.length, 0) === 70_000);
    assert.deepEqual(
      received.map((p) => p.length),
      [32_768, 32_768, 4_464],
    );
    attachment.detach();
  });

  test('writes resizes to the ctl fifo in the order they were asked for', async () => {
    const fifo = await open(join(dir, ID, 'ctl'), 'r+');
    try {
      const attachment = await attachToContainer(dir, ID);
      await Promise.all([
        attachment.resize({ width: 81, height: 25 }),
        attachment.resize({ width: 80, height: 24 }),
        attachment.resize({ width: 0, height: 0 }),
      ]);
      const { bytesRead, buffer } = await fifo.read(Buffer.alloc(100), 0, 100);
      assert.equal(buffer.subarray(0, bytesRead).toString(), '1 25 81\n1 24 80\n');
      attachment.detach();
    } finally {
      await fifo.close();
    }
  });

  test('fails to connect when conmon is not there', async () => {
    await assert.rejects(attachToContainer(dir, 'missing'), { name: 'AttachError' });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
