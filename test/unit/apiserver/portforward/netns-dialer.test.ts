// The dial helper in a network namespace, run as root against this test's own namespace (reached through a
// uniquely named link to /proc/<pid>/ns/net, so that the helper processes of this run can be told apart).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { netnsDialer } from '../../../../src/apiserver/portforward/netns-dialer.js';

const SANDBOX = 'f00dfeed';

/** Pids of the dial helpers (or the nsenter about to become one) for the namespace at `netnsPath`. */
async function helpersFor(netnsPath: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('netns-dial-child') && cmdline.includes(netnsPath)) pids.push(Number(entry));
  }
  return pids;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function readAll(stream: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

describe('netns dialer', () => {
  let dir: string;
  let netnsPath: string;
  let server: Server;
  let port: number;
  const sockets = new Set<Socket>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podlet-pf-'));
    netnsPath = join(dir, `net-${randomBytes(4).toString('hex')}`);
    await symlink(`/proc/${process.pid}/ns/net`, netnsPath);
    // Speaks first, then echoes, and answers the client's half-close with its own last words.
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.write('banner\n');
      socket.on('data', (d) => socket.write(d));
      socket.on('end', () => socket.end('bye\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    for (const pid of await helpersFor(netnsPath)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const lookup = async () => ({ sandboxId: SANDBOX, netnsPath });

  test('hands over a socket that carries the server’s first bytes, both directions and a half-close', async () => {
    const dialer = netnsDialer(lookup);
    const ports = dialer.session('default', 'web');
    try {
      const conn = await ports.dial(port);
      const answer = readAll(conn);
      conn.end('hello\n');
      assert.equal(await answer, 'banner\nhello\nbye\n');
    } finally {
      ports.release();
      dialer.close();
    }
  });

  test('a port nothing listens on fails with containerd’s message, IPv4 then IPv6', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const dialer = netnsDialer(lookup);
    const ports = dialer.session('default', 'web');
    try {
      await assert.rejects(ports.dial(free), {
        name: 'PortForwardDialError',
        message:
          `error forwarding port ${free} to pod ${SANDBOX}, uid : failed to execute portforward in network namespace "${netnsPath}": ` +
          `failed to connect to localhost:${free} inside namespace "${SANDBOX}", IPv4: dial tcp4 127.0.0.1:${free}: connect: connection refused ` +
          `IPv6 dial tcp6 [::1]:${free}: connect: connection refused `,
      });
    } finally {
      ports.release();
      dialer.close();
    }
  });

  test('one helper serves every session of a namespace and exits when the last one is released', async () => {
    const dialer = netnsDialer(lookup);
    const first = dialer.session('default', 'web');
    const second = dialer.session('default', 'web');
    try {
      const conns = await Promise.all([first.dial(port), first.dial(port), second.dial(port)]);
      conns.forEach((c) => c.destroy());
      assert.equal((await helpersFor(netnsPath)).length, 1);
      first.release();
      await second.dial(port).then((c) => c.destroy());
      second.release();
      await until('the helper to exit', async () => (await helpersFor(netnsPath)).length === 0);
      await assert.rejects(second.dial(port), /the port-forward session is over/);
    } finally {
      first.release();
      second.release();
      dialer.close();
    }
  });

  test('a network namespace that is gone fails the dial with nsenter’s reason', async () => {
    const dialer = netnsDialer(async () => ({ sandboxId: SANDBOX, netnsPath: join(dir, 'gone') }));
    const ports = dialer.session('default', 'web');
    try {
      await assert.rejects(
        ports.dial(port),
        /failed to execute portforward in network namespace ".*gone": the dial helper exited with status 1: nsenter: .*No such file or directory/,
      );
    } finally {
      ports.release();
      dialer.close();
    }
  });

  test('a pod without a running sandbox is refused before any helper starts', async () => {
    const dialer = netnsDialer(async () => undefined);
    const ports = dialer.session('default', 'web');
    await assert.rejects(ports.dial(port), { message: 'pod default/web has no running sandbox' });
    ports.release();
    dialer.close();
  });

  test('the helper exits when the process that started it dies', async () => {
    const self = fileURLToPath(import.meta.url);
    const fixture = join(self, '..', `dialing-process${extname(self)}`);
    const loader = extname(self) === '.ts' ? ['--import', 'tsx'] : [];
    const owner = spawn(process.execPath, [...loader, fixture, netnsPath, String(port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      owner.stdout.on('data', (c: Buffer) => (out += c.toString()));
      await until('the fixture to dial', async () => out.includes('dialed'), 30_000);
      assert.equal((await helpersFor(netnsPath)).length, 1);
      owner.kill('SIGKILL');
      await until('the orphaned helper to exit', async () => (await helpersFor(netnsPath)).length === 0);
    } finally {
      owner.kill('SIGKILL');
    }
  });
});
