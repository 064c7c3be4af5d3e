// Issue 10 §4: every security promise checked against a real `podlet serve` started with Secrets encrypted at rest.
// Items covered in depth elsewhere get one direct check here; the deeper test is named beside it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { run, runUnchecked } from '../../src/util/exec.js';
import { useCluster } from '../e2e/support/cluster.js';
import { PodletDaemon, podlet, REPO, TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { buildTar, ociArchive, testImage } from '../unit/image/tar-fixtures.js';
import { recordScenario } from './support/report.js';
import { exposedPaths, foreignClient } from './support/security-probes.js';

const SECRET_VALUE = `chaos-secret-${randomBytes(6).toString('hex')}`;
const registered: string[] = [];
const passed: string[] = [];
let keyDir = '';

const k = useCluster({
  serveArgs: async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'podlet-key-'));
    await writeFile(join(keyDir, 'key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    return ['--encryption-key-file', join(keyDir, 'key')];
  },
});
after(() => rm(keyDir, { recursive: true, force: true }));

/** Runs one check; its name goes into the report only once it has passed. */
function check(name: string, body: () => Promise<void>): void {
  registered.push(name);
  test(name, async () => {
    await body();
    passed.push(name);
  });
}

interface Reply {
  status: number;
  body: string;
}

interface ClientIdentity {
  cert?: string;
  key?: string;
  headers?: Record<string, string>;
}

async function apiUrl(): Promise<URL> {
  return new URL((await readFile(join(k.instance.dataDir, 'api', 'address'), 'utf8')).trim());
}

/** One HTTPS request to the API that trusts podlet's CA and presents `who`. */
async function apiRequest(path: string, who: ClientIdentity = {}): Promise<Reply> {
  const url = new URL(path, await apiUrl());
  const ca = await readFile(join(k.instance.dataDir, 'pki', 'ca.crt'), 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, ...who, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A TLS handshake with the API at most at `maxVersion`: the protocol agreed, or the error. */
async function handshake(maxVersion: 'TLSv1.1' | 'TLSv1.2'): Promise<string> {
  const url = await apiUrl();
  return new Promise((resolve) => {
    // SECLEVEL=0: the client offers old protocols and ciphers, so only the server can be the one refusing.
    const socket = connect({
      host: url.hostname,
      port: Number(url.port),
      minVersion: 'TLSv1',
      maxVersion,
      ciphers: 'DEFAULT@SECLEVEL=0',
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.destroy();
    });
    socket.once('error', (err) => resolve(`error: ${err.message}`));
  });
}

async function pod(name: string, namespace = 'default'): Promise<Pod> {
  return JSON.parse(await k.ok(['get', 'pod', name, '-n', namespace, '-o', 'json'])) as Pod;
}

async function waitingReason(
  name: string,
  namespace = 'default',
): Promise<{ reason?: string; message?: string }> {
  return (await pod(name, namespace)).status?.containerStatuses?.[0]?.state?.waiting ?? {};
}

async function shIn(name: string, script: string): Promise<string> {
  return k.ok(['exec', name, '--', 'sh', '-c', script]);
}

/** `nc` from inside the prober pod, one exec for all: `address:port exit-code` lines, 0 when a connection opened. */
async function connectFromPod(targets: readonly string[]): Promise<string[]> {
  const script = targets
    .map((t) => `timeout 5 nc ${t.replace(':', ' ')} </dev/null >/dev/null 2>&1; echo "${t} $?"`)
    .join('; ');
  return (await shIn('prober', script)).trim().split('\n');
}

const PROBER = `
apiVersion: v1
kind: Secret
metadata: { name: db }
stringData: { password: ${SECRET_VALUE} }
---
apiVersion: v1
kind: Pod
metadata: { name: prober }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
      volumeMounts: [{ name: db, mountPath: /db }]
  volumes: [{ name: db, secret: { secretName: db } }]
`;

const USERNS_POD = `
apiVersion: v1
kind: Pod
metadata: { name: userns }
spec:
  terminationGracePeriodSeconds: 1
  hostUsers: false
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
      volumeMounts: [{ name: db, mountPath: /db }]
  volumes: [{ name: db, secret: { secretName: db } }]
`;

describe('security', () => {
  check('the API answers 401 to a request without a valid client certificate or token', async () => {
    const admin = {
      cert: await readFile(join(k.instance.dataDir, 'pki', 'admin.crt'), 'utf8'),
      key: await readFile(join(k.instance.dataDir, 'pki', 'admin.key'), 'utf8'),
    };
    assert.equal((await apiRequest('/api/v1/secrets', admin)).status, 200, 'the admin certificate works');
    for (const path of ['/api', '/api/v1/secrets', '/version', '/healthz', '/metrics', '/ui/']) {
      assert.equal((await apiRequest(path)).status, 401, `${path} without a certificate`);
    }
    const forged = { headers: { authorization: `Bearer ${randomBytes(24).toString('base64url')}` } };
    assert.equal((await apiRequest('/api/v1/secrets', forged)).status, 401, 'a token that names nobody');
  });

  check("a client certificate from another CA, even one named like podlet's, gets 401", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'podlet-foreign-ca-'));
    try {
      const reply = await apiRequest('/api/v1/secrets', await foreignClient(dir));
      assert.equal(reply.status, 401, reply.body);
      assert.ok(!reply.body.includes(SECRET_VALUE));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  check('TLS below 1.2 fails the handshake, 1.2 is accepted', async () => {
    assert.match(await handshake('TLSv1.1'), /^error: /);
    assert.equal(await handshake('TLSv1.2'), 'TLSv1.2');
  });

  check('image layers with path traversal are refused at import', async () => {
    // Deeper: test/unit/image/unpack.test.ts (each kind of escape, links and hard links).
    const escape = join(tmpdir(), `podlet-escape-${randomBytes(4).toString('hex')}`);
    const layer = await buildTar([{ name: `../../../../../../..${escape}`, content: 'owned' }]);
    const archive = await ociArchive(testImage([layer]), { names: ['localhost/chaos/escape:1'] });
    const file = join(k.instance.dataDir, 'escape.oci.tar');
    await writeFile(file, archive.tar);
    const result = await runUnchecked(join(REPO, 'bin', 'podlet'), ['image', 'import', '--data-dir', k.instance.dataDir, file], { timeoutMs: 60_000 }); // prettier-ignore
    await rm(file, { force: true });
    assert.notEqual(result.exitCode, 0, result.stdout);
    assert.match(result.stderr, /escapes/);
    assert.equal(existsSync(escape), false, 'nothing was written outside the layer');
  });

  check(
    'ConfigMap and Secret keys and items paths with .. or an absolute path are refused at validation',
    async () => {
      // Deeper: test/unit/api (volume and object validation).
      const invalid = [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bad-key }\ndata: { "..": x }',
        'apiVersion: v1\nkind: Secret\nmetadata: { name: bad-key }\nstringData: { "../x": x }',
        `apiVersion: v1\nkind: Pod\nmetadata: { name: bad-path }\nspec:\n  containers: [{ name: c, image: ${TEST_IMAGE} }]\n  volumes: [{ name: v, configMap: { name: x, items: [{ key: a, path: ../escape }] } }]`,
        `apiVersion: v1\nkind: Pod\nmetadata: { name: bad-path }\nspec:\n  containers: [{ name: c, image: ${TEST_IMAGE} }]\n  volumes: [{ name: v, secret: { secretName: x, items: [{ key: a, path: /etc/escape }] } }]`,
      ];
      for (const manifest of invalid) {
        const result = await k.kubectl(['create', '-f', '-'], { input: manifest });
        assert.notEqual(result.exitCode, 0, manifest);
        assert.match(result.stderr, /is invalid: [\s\S]*(Invalid value: "[^"]*\.\.[^"]*"|must be a relative path)/, result.stderr); // prettier-ignore
      }
    },
  );

  check('a subPath that resolves through a symlink out of its volume is refused', async () => {
    // Deeper: test/e2e/pod-volumes.test.ts; docs/decisions/0024-seccomp-and-subpath.md.
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: escape }
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
    - { name: plant, image: ${TEST_IMAGE}, command: ['ln', '-s', '/etc', '/v/escape'], volumeMounts: [{ name: v, mountPath: /v }] }
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'], volumeMounts: [{ name: v, mountPath: /host-etc, subPath: escape }] }
  volumes: [{ name: v, emptyDir: {} }]
`,
    });
    const waiting = await waitFor('the subPath refusal', async () => {
      const w = await waitingReason('escape');
      return w.reason === 'CreateContainerConfigError' ? w : undefined;
    });
    assert.equal(waiting.message, 'failed to prepare subPath for volumeMount "v" of container "c"');
    await k.ok(['delete', 'pod', 'escape', '--grace-period=1', '--wait=false']);
  });

  check('an unprivileged container has the masked paths masked and /sys read-only', async () => {
    // Deeper: test/e2e/security-context.test.ts (privileged vs unprivileged).
    await k.ok(['apply', '-f', '-'], { input: PROBER });
    await waitFor('the prober running', async () => (await pod('prober')).status?.phase === 'Running');
    const masked = ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/sched_debug'].filter((p) =>
      existsSync(p),
    );
    assert.ok(masked.length > 0, 'the host has some of the masked paths');
    const out = await shIn('prober', [...masked.map((p) => `stat -c %F ${p}; wc -c < ${p}`), 'awk \'$2 == "/sys" { print $4 }\' /proc/mounts | cut -d, -f1', 'touch /sys/x 2>/dev/null && echo writable || echo refused'].join('; ')); // prettier-ignore
    assert.deepEqual(out.trim().split('\n'), [
      ...masked.flatMap(() => ['character special file', '0']),
      'ro',
      'refused',
    ]);
  });

  check(
    'a restricted namespace refuses a root pod, and the kubelet refuses runAsNonRoot on a root image',
    async () => {
      // Deeper: test/unit/api/pod-security, test/e2e/security-context.test.ts.
      const ns = `restricted-${randomBytes(3).toString('hex')}`;
      await k.ok(['create', 'namespace', ns]);
      try {
        await k.ok(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
        const root = `apiVersion: v1\nkind: Pod\nmetadata: { name: root }\nspec:\n  containers: [{ name: c, image: ${TEST_IMAGE}, command: [sleep, '60'] }]`;
        const refused = await k.kubectl(['create', '-n', ns, '-f', '-'], { input: root });
        assert.notEqual(refused.exitCode, 0);
        assert.match(
          refused.stderr,
          /pods "root" is forbidden: violates PodSecurity "restricted:latest": .*runAsNonRoot/,
        );
        const compliant = `
apiVersion: v1
kind: Pod
metadata: { name: nonroot }
spec:
  terminationGracePeriodSeconds: 1
  securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: [sleep, '60']
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
`;
        await k.ok(['create', '-n', ns, '-f', '-'], { input: compliant });
        const waiting = await waitFor('the kubelet refusal', async () => {
          const w = await waitingReason('nonroot', ns);
          return w.message ? w : undefined;
        });
        assert.equal(waiting.reason, 'CreateContainerConfigError');
        assert.match(waiting.message ?? '', /^container has runAsNonRoot and image will run as root/);
      } finally {
        await k.ok(['delete', 'namespace', ns, '--wait=false']);
      }
    },
  );

  check('Secrets are encrypted in the store file and still read back through the API', async () => {
    const encoded = Buffer.from(SECRET_VALUE).toString('base64');
    for (const file of ['store.db', 'store.db-wal']) {
      const bytes = await readFile(join(k.instance.dataDir, 'api', file)).catch(() => Buffer.alloc(0));
      assert.ok(
        !bytes.includes(SECRET_VALUE) && !bytes.includes(encoded),
        `${file} holds the value in clear`,
      );
    }
    const yaml = await k.ok(['get', 'secret', 'db', '-o', 'yaml']);
    assert.match(yaml, new RegExp(`password: ${encoded}`));
    assert.equal((await shIn('prober', 'cat /db/password')).trim(), SECRET_VALUE);
  });

  check('no key, Secret, token or store file in the data dir is readable by group or others', async () => {
    // A pod with its own user namespace too: the data dir is 0711 for it (docs/decisions/0027-user-namespaces.md).
    await k.ok(['apply', '-f', '-'], { input: USERNS_POD });
    await waitFor(
      'the userns pod running',
      async () => (await pod('userns')).status?.phase === 'Running',
    ).catch(async (e: unknown) => {
      throw new Error(await k.ok(['describe', 'pod', 'userns']), { cause: e });
    });
    const exposed = await exposedPaths(k.instance.dataDir, ['.kube', 'kubeconfig']);
    const sensitive = exposed.filter((e) => SENSITIVE.some((re) => re.test(e.path)));
    assert.deepEqual(sensitive, [], 'sensitive files or the directories naming them are reachable');
    const sawSecretFiles = (await runUnchecked('find', [join(k.instance.dataDir, 'pods'), '-path', '*kubernetes.io~secret*', '-name', 'password', '-type', 'f'])).stdout; // prettier-ignore
    assert.equal(sawSecretFiles.trim().split('\n').length, 2, "the walk covered both pods' Secret volumes");
    await k.ok(['delete', 'pod', 'userns', '--grace-period=1', '--wait=false']);
    assert.equal(
      (await lstat(k.instance.dataDir)).mode & 0o777,
      0o711,
      'docs/decisions/0027-user-namespaces.md',
    );
    const modes: Record<string, number> = {};
    const expected: Record<string, number> = { api: 0o700, pki: 0o700 };
    for (const dir of ['api', 'pki']) modes[dir] = (await lstat(join(k.instance.dataDir, dir))).mode & 0o777;
    for (const file of [
      'pki/ca.key',
      'pki/server.key',
      'pki/admin.key',
      'pki/sa.key',
      'api/store.db',
      'api/store.db-wal',
    ]) {
      modes[file] = (await lstat(join(k.instance.dataDir, file))).mode & 0o777;
      expected[file] = 0o600;
    }
    assert.deepEqual(modes, expected);
  });

  check('pods cannot reach the API port unless podlet was started with --pod-api-access', async () => {
    const apiPort = Number((await apiUrl()).port);
    const node = JSON.parse(await k.ok(['get', 'node', '-o', 'json'])) as { items: { status?: { addresses?: { type: string; address: string }[] } }[] }; // prettier-ignore
    const nodeIp = node.items[0]?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    const clusterIp = (await k.ok(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const gateway = k.instance.podCidr.replace(/\.0\/24$/, '.1');
    const targets = [`${gateway}:${String(apiPort)}`, `${nodeIp}:${String(apiPort)}`, `${clusterIp}:443`];
    const results = await connectFromPod(targets);
    assert.equal(results.length, targets.length);
    for (const line of results) assert.doesNotMatch(line, / 0$/, `${line}: the API answered`);
    const rule = new RegExp(`tcp dport ${String(apiPort)} reject`);
    assert.match(await proxyTable(), rule, 'refused by the rule, not by chance');
    await restartWith(['--pod-api-access']);
    assert.doesNotMatch(await proxyTable(), /tcp dport \d+ reject/);
    await waitFor('the kubernetes Service reachable from the pod', async () => (await connectFromPod([`${clusterIp}:443`]))[0]?.endsWith(' 0'), 30_000); // prettier-ignore
  });

  test('records the figures', async () => {
    await recordScenario({
      scenario: 'security',
      description: `one podlet with --encryption-key-file; checks: ${passed.join('; ')}`,
      figures: { checks: registered.length, passed: passed.length },
    });
    assert.deepEqual(passed, registered, 'every check passed');
  });
});

/** Secrets, tokens, keys and the store: what group and others may neither read nor list the names of. */
const SENSITIVE = [/\/pki\/[^/]+\.key$/, /\/api\/store\.db/, /\/pods\/[^/]+\/volumes\//, /\/pods\/[^/]+$/];

async function proxyTable(): Promise<string> {
  return (await run('nft', ['list', 'table', 'ip', `podlet-${k.instance.bridge}`])).stdout;
}

/** Restarts the daemon of this instance with more flags; pods keep running, the API comes back on a new port. */
async function restartWith(extra: string[]): Promise<void> {
  const addressFile = join(k.instance.dataDir, 'api', 'address');
  const before = await readFile(addressFile, 'utf8');
  await k.daemon.stop();
  k.daemon = new PodletDaemon(k.instance, ['--encryption-key-file', join(keyDir, 'key'), ...extra]);
  k.daemon.start();
  await waitFor('the new API address', async () => (await readFile(addressFile, 'utf8').catch(() => before)) !== before); // prettier-ignore
  await writeFile(k.kubeconfig, await podlet(['kubeconfig', '--data-dir', k.instance.dataDir]), {
    mode: 0o600,
  });
  await waitFor('the API answering', async () => (await k.kubectl(['get', 'ns', 'default'])).exitCode === 0);
}
