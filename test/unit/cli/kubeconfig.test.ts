import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { KubeconfigError, mergeKubeconfig, renderKubeconfig } from '../../../src/cli/kubeconfig.js';

const pki = {
  ca: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  adminCert: '-----BEGIN CERTIFICATE-----\nADMIN\n-----END CERTIFICATE-----\n',
  adminKey: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
};

interface Named {
  name: string;
  [key: string]: unknown;
}

interface Config {
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  'current-context': string;
  [key: string]: unknown;
}

const fromBase64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

describe('renderKubeconfig', () => {
  test('embeds the CA and the admin credentials under cluster, user and context podlet', () => {
    const config = parse(renderKubeconfig({ server: 'https://127.0.0.1:6443', pki })) as Config;
    const cluster = config.clusters[0] as { name: string; cluster: Record<string, string> };
    const user = config.users[0] as { name: string; user: Record<string, string> };
    assert.equal(cluster.name, 'podlet');
    assert.equal(cluster.cluster.server, 'https://127.0.0.1:6443');
    assert.equal(fromBase64(cluster.cluster['certificate-authority-data'] ?? ''), pki.ca);
    assert.equal(user.name, 'podlet');
    assert.equal(fromBase64(user.user['client-certificate-data'] ?? ''), pki.adminCert);
    assert.equal(fromBase64(user.user['client-key-data'] ?? ''), pki.adminKey);
    assert.deepEqual(config.contexts, [{ name: 'podlet', context: { cluster: 'podlet', user: 'podlet' } }]);
    assert.equal(config['current-context'], 'podlet');
  });

  test('names the three entries and the current context after the name given', () => {
    const config = parse(renderKubeconfig({ server: 'https://h:1', pki, name: 'lab' })) as Config;
    assert.deepEqual(
      [config.clusters[0]?.name, config.users[0]?.name, config.contexts[0]?.name, config['current-context']],
      ['lab', 'lab', 'lab', 'lab'],
    );
    assert.deepEqual(config.contexts[0]?.context, { cluster: 'lab', user: 'lab' });
  });
});

const existing = `# my clusters
apiVersion: v1
kind: Config
clusters:
  - name: prod # the real one
    cluster:
      server: https://prod.example:6443
  - name: podlet
    cluster:
      server: https://old:1
users:
  - name: prod
    user:
      token: abc
  - name: podlet
    user:
      token: stale
contexts:
  - name: prod
    context:
      cluster: prod
      user: prod
current-context: prod
preferences:
  colors: true
`;

describe('mergeKubeconfig', () => {
  const podlet = renderKubeconfig({ server: 'https://127.0.0.1:6443', pki });

  test('returns podlet alone when there is no kubeconfig yet', () => {
    assert.deepEqual(parse(mergeKubeconfig(undefined, podlet)), parse(podlet));
    assert.deepEqual(parse(mergeKubeconfig('\n', podlet)), parse(podlet));
  });

  test('replaces the podlet entries, keeps the others and switches the current context', () => {
    const merged = mergeKubeconfig(existing, podlet);
    const config = parse(merged) as Config;
    assert.deepEqual(
      config.clusters.map((c) => c.name),
      ['prod', 'podlet'],
    );
    assert.deepEqual(config.clusters[1]?.cluster, {
      server: 'https://127.0.0.1:6443',
      'certificate-authority-data': Buffer.from(pki.ca).toString('base64'),
    });
    assert.deepEqual(config.users[0], { name: 'prod', user: { token: 'abc' } });
    assert.deepEqual(
      config.contexts.map((c) => c.name),
      ['prod', 'podlet'],
    );
    assert.equal(config['current-context'], 'podlet');
    assert.deepEqual(config.preferences, { colors: true });
    assert.match(merged, /# my clusters/);
    assert.match(merged, /# the real one/);
  });

  test('gives the same file when merged twice', () => {
    const once = mergeKubeconfig(existing, podlet);
    assert.equal(mergeKubeconfig(once, podlet), once);
  });

  test('fills lists that are empty or null', () => {
    const config = parse(
      mergeKubeconfig('apiVersion: v1\nkind: Config\nclusters: null\nusers: []\n', podlet),
    ) as Config;
    assert.equal(config.clusters.length, 1);
    assert.equal(config.users.length, 1);
    assert.equal(config.contexts.length, 1);
  });

  test('refuses a kubeconfig that is not YAML, not a mapping, or whose lists are not lists', () => {
    assert.throws(() => mergeKubeconfig('clusters: [', podlet), KubeconfigError);
    assert.throws(() => mergeKubeconfig('- a\n- b\n', podlet), /not a YAML mapping/);
    assert.throws(
      () => mergeKubeconfig('clusters: {a: 1}\n', podlet),
      /"clusters" in the existing kubeconfig is not a list/,
    );
  });
});
