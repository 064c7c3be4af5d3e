// Other clients than today's kubectl: the oldest kubectl on this machine (1.27), and @kubernetes/client-node doing
// list + watch the way controllers do.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const pod = (name: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: { suite: clients } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
`;

describe('older kubectl and client-node', () => {
  const k = useCluster();

  test('kubectl 1.27 applies twice, lists as a table, describes and deletes', async () => {
    const v = { version: '1.27' };
    // kubectl 1.27 learns from /openapi/v2 (protobuf) that the server validates, and how lists merge.
    assert.equal((await k.ok(['apply', '-f', '-'], { ...v, input: pod('old') })).trim(), 'pod/old created');
    assert.equal((await k.ok(['apply', '-f', '-'], { ...v, input: pod('old') })).trim(), 'pod/old unchanged');
    await k.ok(['wait', '--for=condition=Ready', 'pod/old', '--timeout=60s'], v);
    assert.match(await k.ok(['get', 'pods', '-o', 'wide'], v), /^old\s+1\/1\s+Running\s+0\s+\S+\s+10\./m);
    assert.match(await k.ok(['describe', 'pod', 'old'], v), /Started container c/);
    assert.equal((await k.ok(['delete', 'pod', 'old'], v)).trim(), 'pod "old" deleted');
  });

  test('client-node lists, then watches ADDED, MODIFIED and DELETED in order', async () => {
    const config = new KubeConfig();
    config.loadFromFile(k.kubeconfig);
    const api = config.makeApiClient(CoreV1Api);
    const list = await api.listNamespacedPod({ namespace: 'default', labelSelector: 'suite=clients' });
    assert.deepEqual(list.items, []);
    const seen: string[] = [];
    const watch = await new Watch(config).watch(
      '/api/v1/namespaces/default/pods',
      { labelSelector: 'suite=clients', resourceVersion: list.metadata?.resourceVersion },
      (type: string, object: { metadata?: { name?: string } }) =>
        seen.push(`${type} ${object.metadata?.name}`),
      () => undefined,
    );
    try {
      await k.ok(['apply', '-f', '-'], { input: pod('watched') });
      await waitFor('MODIFIED after ADDED', async () => seen.includes('MODIFIED watched'));
      await k.ok(['delete', 'pod', 'watched']);
      await waitFor('DELETED', async () => seen.includes('DELETED watched'));
    } finally {
      watch.abort();
    }
    const types = seen.map((s) => s.split(' ')[0]);
    assert.equal(types[0], 'ADDED');
    assert.equal(types.at(-1), 'DELETED');
    assert.ok(
      types.slice(1, -1).every((t) => t === 'MODIFIED'),
      seen.join(', '),
    );
  });
});
