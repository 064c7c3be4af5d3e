import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { ContentStore } from '../../../../src/image/content-store.js';
import { ContentVerificationError } from '../../../../src/image/errors.js';
import { RegistryClient } from '../../../../src/image/registry/client.js';
import { ManifestNotFoundError, RegistryAuthError } from '../../../../src/image/registry/errors.js';
import { parseImageReference } from '../../../../src/image/reference.js';
import { removeTree } from '../../../../src/util/fs.js';
import { sha256, tempDir } from '../tar-fixtures.js';
import { publishImage, publishIndex } from './test-images.js';
import { TestRegistry } from './test-registry.js';

describe('RegistryClient', () => {
  let registry: TestRegistry;
  let client: RegistryClient;

  before(async () => {
    registry = await TestRegistry.start();
    client = new RegistryClient({ insecureRegistries: [registry.host] });
  });
  after(async () => {
    await registry.stop();
  });

  test('resolves a tag to its manifest, adding latest when the reference names no tag', async () => {
    const image = await publishImage(registry, 'team/app', 'latest', { 'a.txt': 'a' });
    const resolved = await client.resolve(`${registry.host}/team/app`);
    assert.equal(resolved.target, image.manifestDigest);
    assert.equal(resolved.reference.tag, 'latest');
    assert.deepEqual(
      resolved.documents.map((d) => d.digest),
      [image.manifestDigest],
    );
    assert.equal(resolved.manifest.config.digest, image.configDigest);
    assert.deepEqual(
      resolved.manifest.layers.map((l) => l.digest),
      image.layerDigests,
    );
  });

  test('resolves a digest reference and picks the host platform (linux/amd64) from an index', async () => {
    const { indexDigest, amd64 } = await publishIndex(registry, 'team/multi', 'v1');
    const resolved = await client.resolve(`${registry.host}/team/multi@${indexDigest}`);
    assert.equal(resolved.target, indexDigest);
    assert.deepEqual(
      resolved.documents.map((d) => d.digest),
      [indexDigest, amd64.manifestDigest],
    );
    assert.equal(resolved.manifest.config.digest, amd64.configDigest);
  });

  test('picks the configured platform from an index, and fails clearly when the index lacks it', async () => {
    const { arm64 } = await publishIndex(registry, 'team/multi2', 'v1');
    const armClient = new RegistryClient({
      insecureRegistries: [registry.host],
      platform: { os: 'linux', architecture: 'arm64' },
    });
    const resolved = await armClient.resolve(`${registry.host}/team/multi2:v1`);
    assert.equal(resolved.manifest.config.digest, arm64.configDigest);
    const s390x = new RegistryClient({
      insecureRegistries: [registry.host],
      platform: { os: 'linux', architecture: 's390x' },
    });
    await assert.rejects(
      s390x.resolve(`${registry.host}/team/multi2:v1`),
      /has no manifest for platform linux\/s390x/,
    );
  });

  test('reports a missing tag as ManifestNotFoundError', async () => {
    await assert.rejects(client.resolve(`${registry.host}/team/app:nope`), ManifestNotFoundError);
  });

  describe('fetchBlob', () => {
    let dir: string;
    let content: ContentStore;

    beforeEach(async () => {
      dir = await tempDir('registry-blob');
      content = await ContentStore.open(dir);
    });
    afterEach(async () => {
      await removeTree(dir);
    });

    const ref = (): ReturnType<typeof parseImageReference> =>
      parseImageReference(`${registry.host}/team/blobs`);

    test('streams a blob into the content store and reports the bytes as they arrive', async () => {
      const data = Buffer.alloc(300_000, 7);
      const digest = registry.addBlob(data);
      let seen = 0;
      const info = await client.fetchBlob(content, ref(), { digest, size: data.length }, (n) => (seen += n));
      assert.deepEqual(info, { digest, size: data.length });
      assert.equal(seen, data.length);
      assert.deepEqual(await content.read(digest, 1_000_000), data);
    });

    test('refuses a blob whose content does not match its digest and stores nothing', async () => {
      const good = Buffer.from('the real layer');
      const digest = sha256(good);
      registry.addBlob(Buffer.from('a corrupt layer'), digest);
      await assert.rejects(
        client.fetchBlob(content, ref(), { digest, size: 15 }),
        (e: unknown) => e instanceof ContentVerificationError && /digest/.test(e.message),
      );
      assert.equal(await content.stat(digest), undefined);
      assert.deepEqual(await content.list(), []);
      assert.deepEqual(await readdir(join(dir, 'ingest')), []);
    });

    test('cuts off a blob that is longer than its descriptor says', async () => {
      const data = Buffer.alloc(10_000, 1);
      const digest = registry.addBlob(data);
      await assert.rejects(client.fetchBlob(content, ref(), { digest, size: 100 }), ContentVerificationError);
      assert.deepEqual(await content.list(), []);
      assert.deepEqual(await readdir(join(dir, 'ingest')), []);
    });

    test('follows a redirect to another server (blob storage)', async () => {
      const storage = await TestRegistry.start();
      try {
        const data = Buffer.from('redirected layer');
        const digest = registry.addBlob(data);
        storage.addBlob(data);
        registry.redirects.set(digest, `http://${storage.host}/v2/storage/blobs/`);
        registry.blobs.delete(digest);
        const info = await client.fetchBlob(content, ref(), { digest, size: data.length });
        assert.equal(info.digest, digest);
        assert.ok(storage.requests.includes(`GET /v2/storage/blobs/${digest}`));
      } finally {
        await storage.stop();
      }
    });
  });
});

describe('RegistryClient progress timeout', () => {
  const data = Buffer.alloc(4096, 3);
  const digest = sha256(data);
  let dir = '';
  let content: ContentStore;
  beforeEach(async () => {
    dir = await tempDir('registry-stall');
    content = await ContentStore.open(dir);
  });
  afterEach(async () => {
    await removeTree(dir);
  });

  /** A registry whose every answer is `answer`; its connections are cut when it stops, stalled or not. */
  async function withRegistry(
    answer: (res: ServerResponse) => void,
    body: (client: RegistryClient, host: string) => Promise<void>,
  ): Promise<void> {
    const sockets = new Set<Socket>();
    const server = createServer((_req, res) => answer(res));
    server.on('connection', (s) => sockets.add(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await body(new RegistryClient({ insecureRegistries: [host], progressTimeoutMs: 250 }), host);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  }

  test('gives up on a blob that stops arriving halfway and keeps none of it', async () => {
    await withRegistry(
      (res) => {
        res.writeHead(200, { 'content-length': data.length });
        res.write(data.subarray(0, 2048));
      },
      async (client, host) => {
        await assert.rejects(
          client.fetchBlob(content, parseImageReference(`${host}/a/b`), { digest, size: data.length }),
          /download interrupted: no progress in 250ms/,
        );
        assert.deepEqual(await readdir(join(dir, 'ingest')), []);
        assert.deepEqual(await content.list(), []);
      },
    );
  });

  test('gives up on a registry that never answers', async () => {
    await withRegistry(
      () => undefined,
      async (client, host) => {
        await assert.rejects(client.resolve(`${host}/a/b:1`), /request failed: no progress in 250ms/);
      },
    );
  });

  test('lets a slow blob through as long as it keeps arriving', async () => {
    await withRegistry(
      (res) => {
        res.writeHead(200, { 'content-length': data.length });
        let sent = 0;
        const timer = setInterval(() => {
          res.write(data.subarray(sent, sent + 512));
          sent += 512;
          if (sent < data.length) return;
          clearInterval(timer);
          res.end();
        }, 100);
      },
      async (client, host) => {
        const ref = parseImageReference(`${host}/a/b`);
        assert.deepEqual(await client.fetchBlob(content, ref, { digest, size: data.length }), {
          digest,
          size: data.length,
        });
      },
    );
  });
});

describe('RegistryClient authentication', () => {
  test('gets an anonymous bearer token from the realm a 401 names, then reuses it', async () => {
    const registry = await TestRegistry.start({ auth: 'bearer' });
    try {
      const image = await publishImage(registry, 'public/app', 'latest', { f: 'x' });
      const client = new RegistryClient({ insecureRegistries: [registry.host] });
      await client.resolve(`${registry.host}/public/app`);
      await client.resolve(`${registry.host}/public/app@${image.manifestDigest}`);
      assert.deepEqual(registry.requests, [
        'GET /v2/public/app/manifests/latest',
        'GET /token',
        'GET /v2/public/app/manifests/latest',
        `GET /v2/public/app/manifests/${image.manifestDigest}`,
      ]);
    } finally {
      await registry.stop();
    }
  });

  test('sends docker config credentials to the token endpoint', async () => {
    const registry = await TestRegistry.start({ auth: 'bearer', user: 'alice:secret' });
    try {
      const image = await publishImage(registry, 'private/app', 'latest', { f: 'x' });
      const anonymous = new RegistryClient({ insecureRegistries: [registry.host] });
      await assert.rejects(
        anonymous.resolve(`${registry.host}/private/app`),
        (e: unknown) =>
          e instanceof RegistryAuthError &&
          !e.hadCredentials &&
          /requires authentication and no credentials are configured for it/.test(e.message),
      );
      const credentials = new Map([[registry.host, { username: 'alice', password: 'secret' }]]);
      const client = new RegistryClient({ insecureRegistries: [registry.host], credentials });
      assert.equal((await client.resolve(`${registry.host}/private/app`)).target, image.manifestDigest);
      const wrong = new Map([[registry.host, { username: 'alice', password: 'wrong' }]]);
      const rejected = new RegistryClient({ insecureRegistries: [registry.host], credentials: wrong });
      await assert.rejects(
        rejected.resolve(`${registry.host}/private/app`),
        /rejected the configured credentials/,
      );
    } finally {
      await registry.stop();
    }
  });

  test('answers a Basic challenge with the configured credentials, and fails clearly without them', async () => {
    const registry = await TestRegistry.start({ auth: 'basic', user: 'bob:pw' });
    try {
      const image = await publishImage(registry, 'basic/app', 'latest', { f: 'x' });
      const credentials = new Map([[registry.host, { username: 'bob', password: 'pw' }]]);
      const client = new RegistryClient({ insecureRegistries: [registry.host], credentials });
      assert.equal((await client.resolve(`${registry.host}/basic/app`)).target, image.manifestDigest);
      const anonymous = new RegistryClient({ insecureRegistries: [registry.host] });
      await assert.rejects(anonymous.resolve(`${registry.host}/basic/app`), /no credentials are configured/);
    } finally {
      await registry.stop();
    }
  });
});
