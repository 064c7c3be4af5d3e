// Service account tokens through kubectl: `kubectl create token`, a bearer token as the only credential, the
// kube-api-access volume of a pod (token, CA, namespace), automounting turned off, the refusal of a missing service
// account, and the root CA ConfigMap of a new namespace.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { sleeperPod } from '../integration/support/manifests.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const sleeper = (name: string, spec = ''): string => sleeperPod(name, TEST_IMAGE, { spec });

describe('service accounts through kubectl', () => {
  const k = useCluster();

  /** A kubeconfig whose only credential is the token: no client certificate to fall back on. */
  async function whoamiWithToken(token: string): Promise<string> {
    const view = (path: string) =>
      k.ok(['config', 'view', '--raw', '--minify', '-o', `jsonpath={.clusters[0].cluster.${path}}`]);
    const file = join(k.instance.dataDir, `token-${randomBytes(4).toString('hex')}.kubeconfig`);
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'podlet',
          cluster: {
            server: await view('server'),
            'certificate-authority-data': await view('certificate-authority-data'),
          },
        },
      ],
      users: [{ name: 'sa', user: { token } }],
      contexts: [{ name: 'sa', context: { cluster: 'podlet', user: 'sa' } }],
      'current-context': 'sa',
    };
    await writeFile(file, JSON.stringify(config), { mode: 0o600 });
    const result = await k.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], {
      env: { KUBECONFIG: file },
    });
    assert.equal(result.exitCode, 0, `whoami with the token failed: ${result.stderr}`);
    return result.stdout;
  }

  test('kubectl create token gives a JWT that authenticates as the service account', async () => {
    const token = (await k.ok(['create', 'token', 'default'])).trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(await whoamiWithToken(token), 'system:serviceaccount:default:default');
    const bad = `${token.slice(0, -4)}AAAA`;
    const file = join(k.instance.dataDir, 'bad.kubeconfig');
    const server = await k.ok(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']);
    await writeFile(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: bad } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
      { mode: 0o600 },
    );
    const refused = await k.kubectl(['auth', 'whoami'], { env: { KUBECONFIG: file } });
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.stderr, /Unauthorized/);
  });

  test('a pod gets the token, CA and namespace files, and its token authenticates', async () => {
    await k.ok(['apply', '-f', '-'], { input: sleeper('sa-mounted') });
    await k.ok(['wait', '--for=condition=Ready', 'pod/sa-mounted', '--timeout=60s']);
    const pod = JSON.parse(await k.ok(['get', 'pod', 'sa-mounted', '-o', 'json'])) as Pod;
    assert.equal(pod.spec?.serviceAccountName, 'default');
    assert.match(pod.spec?.volumes?.[0]?.name ?? '', /^kube-api-access-\w{5}$/);
    const cat = (file: string) => k.ok(['exec', 'sa-mounted', '--', 'cat', `${SA_DIR}/${file}`]);
    assert.equal(await cat('namespace'), 'default');
    assert.equal(await cat('ca.crt'), await readFile(join(k.instance.dataDir, 'pki', 'ca.crt'), 'utf8'));
    assert.equal(await whoamiWithToken(await cat('token')), 'system:serviceaccount:default:default');
    const touch = await k.kubectl(['exec', 'sa-mounted', '--', 'touch', `${SA_DIR}/x`]);
    assert.notEqual(touch.exitCode, 0, 'the volume is mounted read-only');
  });

  test('automountServiceAccountToken: false mounts nothing', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: sleeper('sa-none', '  automountServiceAccountToken: false'),
    });
    await k.ok(['wait', '--for=condition=Ready', 'pod/sa-none', '--timeout=60s']);
    const pod = JSON.parse(await k.ok(['get', 'pod', 'sa-none', '-o', 'json'])) as Pod;
    assert.equal(pod.spec?.volumes, undefined);
    const ls = await k.kubectl(['exec', 'sa-none', '--', 'ls', SA_DIR]);
    assert.notEqual(ls.exitCode, 0);
  });

  test('a pod naming a missing service account is refused with the upstream message', async () => {
    const result = await k.kubectl(['apply', '-f', '-'], {
      input: sleeper('sa-missing', '  serviceAccountName: nobody'),
    });
    assert.notEqual(result.exitCode, 0);
    assert.match(
      result.stderr,
      /pods "sa-missing" is forbidden: error looking up service account default\/nobody: serviceaccount "nobody" not found/,
    );
  });

  test('a new namespace gets the kube-root-ca.crt ConfigMap with the cluster CA', async () => {
    const ns = `sa-${randomBytes(3).toString('hex')}`;
    await k.ok(['create', 'namespace', ns]);
    const ca = await readFile(join(k.instance.dataDir, 'pki', 'ca.crt'), 'utf8');
    await waitFor('kube-root-ca.crt', async () => {
      const got = await k.kubectl([
        'get',
        'cm',
        'kube-root-ca.crt',
        '-n',
        ns,
        '-o',
        'jsonpath={.data.ca\\.crt}',
      ]);
      return got.exitCode === 0 && got.stdout === ca;
    });
    await k.ok(['delete', 'namespace', ns, '--wait=false']);
  });
});
