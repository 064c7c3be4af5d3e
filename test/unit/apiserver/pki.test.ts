import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import tls from 'node:tls';
import { authenticate, type UserInfo } from '../../../src/apiserver/authn.js';
import { ensurePki, PkiError, type Pki } from '../../../src/apiserver/pki.js';
import { issueCa, issueLeaf } from '../../../src/apiserver/pki/issue.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-03-01T12:00:00Z');
const FILES = ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'admin.crt', 'admin.key'];

const roots: string[] = [];
after(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

async function freshDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'podlet-pki-test-'));
  roots.push(root);
  return join(root, 'pki');
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await Promise.all(
    FILES.map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const),
  );
  return Object.fromEntries(entries);
}

function sans(certPem: string): string[] {
  return (new X509Certificate(certPem).subjectAltName ?? '').split(', ');
}

function issuedBy(certPem: string, caPem: string): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

function lifetimeDays(certPem: string, now: Date): number {
  return Math.round((Date.parse(new X509Certificate(certPem).validTo) - now.getTime()) / DAY_MS);
}

describe('ensurePki on first start', () => {
  test('creates a CA that signed both the server and the admin certificate', async () => {
    const pki = await ensurePki(await freshDir(), { hostNames: [], ipAddresses: [], now: NOW });
    const ca = new X509Certificate(pki.ca);
    assert.equal(ca.subject, 'CN=podlet-ca');
    assert.equal(ca.ca, true);
    assert.ok(issuedBy(pki.serverCert, pki.ca));
    assert.ok(issuedBy(pki.adminCert, pki.ca));
    assert.equal(new X509Certificate(pki.adminCert).subject, 'CN=kubernetes-admin\nO=system:masters');
  });

  test('puts loopback, localhost, the host name and the asked names in the server certificate', async () => {
    const pki = await ensurePki(await freshDir(), {
      hostNames: ['podlet.example'],
      ipAddresses: ['10.1.2.3', 'fd00::1'],
      now: NOW,
    });
    const names = sans(pki.serverCert);
    for (const want of [
      'DNS:localhost',
      `DNS:${hostname().toLowerCase()}`,
      'DNS:podlet.example',
      'IP Address:127.0.0.1',
      'IP Address:0:0:0:0:0:0:0:1',
      'IP Address:10.1.2.3',
      'IP Address:FD00:0:0:0:0:0:0:1',
    ]) {
      assert.ok(names.includes(want), `${want} missing from ${names.join(', ')}`);
    }
  });

  test('makes the CA valid for ten years and the leaves for one, starting a few minutes before now', async () => {
    const pki = await ensurePki(await freshDir(), { hostNames: [], ipAddresses: [], now: NOW });
    assert.equal(lifetimeDays(pki.ca, NOW), 3650);
    assert.equal(lifetimeDays(pki.serverCert, NOW), 365);
    assert.equal(lifetimeDays(pki.adminCert, NOW), 365);
    assert.ok(Date.parse(new X509Certificate(pki.serverCert).validFrom) < NOW.getTime());
  });

  test('writes the directory 0700, keys 0600 and certificates 0644', async () => {
    const dir = await freshDir();
    await ensurePki(dir, { hostNames: [], ipAddresses: [], now: NOW });
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    for (const file of FILES) {
      const want = file.endsWith('.key') ? 0o600 : 0o644;
      assert.equal((await stat(join(dir, file))).mode & 0o777, want, file);
    }
  });

  test('refuses an IP address that is not one', async () => {
    await assert.rejects(
      ensurePki(await freshDir(), { hostNames: [], ipAddresses: ['10.0.0.256'], now: NOW }),
      PkiError,
    );
  });
});

describe('ensurePki on later starts', () => {
  test('keeps every file when nothing changed', async () => {
    const dir = await freshDir();
    await ensurePki(dir, { hostNames: ['a.example'], ipAddresses: [], now: NOW });
    const before = await snapshot(dir);
    await ensurePki(dir, {
      hostNames: ['a.example'],
      ipAddresses: [],
      now: new Date(NOW.getTime() + DAY_MS),
    });
    assert.deepEqual(await snapshot(dir), before);
  });

  test('reissues only the server certificate when a new name is asked for', async () => {
    const dir = await freshDir();
    await ensurePki(dir, { hostNames: [], ipAddresses: [], now: NOW });
    const before = await snapshot(dir);
    const pki = await ensurePki(dir, { hostNames: [], ipAddresses: ['192.0.2.7'], now: NOW });
    const after = await snapshot(dir);
    assert.notEqual(after['server.crt'], before['server.crt']);
    assert.ok(sans(pki.serverCert).includes('IP Address:192.0.2.7'));
    for (const kept of ['ca.crt', 'ca.key', 'admin.crt', 'admin.key'])
      assert.equal(after[kept], before[kept], kept);
  });

  test('reissues leaves that have expired but keeps the CA', async () => {
    const dir = await freshDir();
    const first = await ensurePki(dir, { hostNames: [], ipAddresses: [], now: NOW });
    const later = new Date(NOW.getTime() + 400 * DAY_MS);
    const second = await ensurePki(dir, { hostNames: [], ipAddresses: [], now: later });
    assert.equal(second.ca, first.ca);
    assert.notEqual(second.adminCert, first.adminCert);
    assert.equal(lifetimeDays(second.adminCert, later), 365);
  });

  test('reissues a leaf whose key was lost', async () => {
    const dir = await freshDir();
    const first = await ensurePki(dir, { hostNames: [], ipAddresses: [], now: NOW });
    await unlink(join(dir, 'admin.key'));
    const second = await ensurePki(dir, { hostNames: [], ipAddresses: [], now: NOW });
    assert.notEqual(second.adminCert, first.adminCert);
    assert.ok(issuedBy(second.adminCert, first.ca));
  });

  test('reissues leaves signed by another CA', async () => {
    const dir = await freshDir();
    await ensurePki(dir, { hostNames: [], ipAddresses: [], now: NOW });
    const other = await issueCa('other-ca', NOW);
    const foreign = await issueLeaf(other, { subject: 'CN=kubernetes-admin', usage: 'client' }, NOW);
    await writeFile(join(dir, 'admin.crt'), foreign.cert);
    await writeFile(join(dir, 'admin.key'), foreign.key);
    const pki = await ensurePki(dir, { hostNames: [], ipAddresses: [], now: NOW });
    assert.ok(issuedBy(pki.adminCert, pki.ca));
  });

  test('refuses to replace a CA whose key is missing', async () => {
    const dir = await freshDir();
    await ensurePki(dir, { hostNames: [], ipAddresses: [], now: NOW });
    await unlink(join(dir, 'ca.key'));
    await assert.rejects(ensurePki(dir, { hostNames: [], ipAddresses: [], now: NOW }), /ca\.key is missing/);
  });
});

interface Handshake {
  user: UserInfo | undefined;
}

/** One TLS connection to a server set up the way the API server is, reporting what authenticate saw. */
async function connect(pki: Pki, client: { cert?: string; key?: string }): Promise<Handshake> {
  let resolveUser: (u: UserInfo | undefined) => void = () => undefined;
  const seen = new Promise<UserInfo | undefined>((resolve) => (resolveUser = resolve));
  const server = tls.createServer(
    { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requestCert: true, rejectUnauthorized: false },
    (socket) => {
      resolveUser(authenticate(socket));
      socket.end();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const socket = tls.connect({ host: '127.0.0.1', port, ca: pki.ca, ...client });
    socket.on('data', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const user = await seen;
    socket.destroy();
    return { user };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('a TLS server with the server certificate', { timeout: 20_000 }, () => {
  test('is trusted by a client that knows the CA, and leaves a client without a certificate unauthenticated', async () => {
    const pki = await ensurePki(await freshDir(), { hostNames: [], ipAddresses: [], now: new Date() });
    const { user } = await connect(pki, {});
    assert.equal(user, undefined);
  });

  test('authenticates the admin client certificate as kubernetes-admin in system:masters', async () => {
    const pki = await ensurePki(await freshDir(), { hostNames: [], ipAddresses: [], now: new Date() });
    const { user } = await connect(pki, { cert: pki.adminCert, key: pki.adminKey });
    assert.equal(user?.username, 'kubernetes-admin');
    assert.deepEqual(user?.groups, ['system:masters', 'system:authenticated']);
    const fingerprint = new X509Certificate(pki.adminCert).fingerprint256.replaceAll(':', '').toLowerCase();
    assert.deepEqual(user?.extra, {
      'authentication.kubernetes.io/credential-id': [`X509SHA256=${fingerprint}`],
    });
  });

  test('does not authenticate a client certificate from another CA', async () => {
    const pki = await ensurePki(await freshDir(), { hostNames: [], ipAddresses: [], now: new Date() });
    const other = await issueCa('other-ca', new Date());
    const stranger = await issueLeaf(
      other,
      { subject: 'CN=kubernetes-admin, O=system:masters', usage: 'client' },
      new Date(),
    );
    const { user } = await connect(pki, stranger);
    assert.equal(user, undefined);
  });

  test('does not authenticate a certificate of this CA that is meant for servers', async () => {
    const pki = await ensurePki(await freshDir(), { hostNames: [], ipAddresses: [], now: new Date() });
    const { user } = await connect(pki, { cert: pki.serverCert, key: pki.serverKey });
    assert.equal(user, undefined);
  });
});
