// Claims provisioned by podlet's built-in `local` class, through the real kubectl: the default class, binding,
// the table columns, and the reclaim policies (Delete removes the volume and its directory, Retain keeps both).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exists } from '../../src/util/fs.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const suffix = randomBytes(3).toString('hex');

const claim = (name: string, extra = '') => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: ${name} }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 64Mi } }${extra}
`;

describe('persistent volume claims of the local class', () => {
  const k = useCluster();
  const phase = async (kind: string, name: string) =>
    (await k.kubectl(['get', kind, name, '-o', 'jsonpath={.status.phase}'])).stdout;

  test('a claim without a class is provisioned by local and bound', async () => {
    const name = `data-${suffix}`;
    await k.ok(['apply', '-f', '-'], { input: claim(name) });
    try {
      await waitFor('the claim bound', async () => (await phase('pvc', name)) === 'Bound');
      const uid = await k.ok(['get', 'pvc', name, '-o', 'jsonpath={.metadata.uid}']);
      const pv = `pvc-${uid}`;
      const row = (await k.ok(['get', 'pvc', name, '--no-headers'])).trim().split(/\s+/);
      assert.deepEqual(row.slice(0, 6), [name, 'Bound', pv, '64Mi', 'RWO', 'local']);
      const pvRow = (await k.ok(['get', 'pv', pv, '--no-headers'])).trim().split(/\s+/);
      assert.deepEqual(pvRow.slice(0, 7), [pv, '64Mi', 'RWO', 'Delete', 'Bound', `default/${name}`, 'local']);
      const sc = await k.ok(['get', 'storageclass', 'local', '--no-headers']);
      assert.match(sc, /^local \(default\)\s+podlet\.io\/local\s+Delete\s+Immediate\s+false/);
      const events = await k.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
      assert.match(
        events,
        new RegExp(`ProvisioningSucceeded.*Successfully provisioned volume ${pv} using podlet.io/local`),
      );
      const path = await k.ok(['get', 'pv', pv, '-o', 'jsonpath={.spec.local.path}']);
      assert.equal(path, join(k.instance.dataDir, 'volumes', pv));
      assert.equal(await exists(path), true);
      await k.ok(['delete', 'pvc', name]);
      await waitFor('the volume deleted', async () => (await k.kubectl(['get', 'pv', pv])).exitCode !== 0);
      assert.equal(await exists(path), false);
    } finally {
      await k.kubectl(['delete', 'pvc', name, '--ignore-not-found']);
    }
  });

  test('a claim of a Retain class leaves its volume Released and its directory in place', async () => {
    const [cls, name] = [`keep-${suffix}`, `kept-${suffix}`];
    const storageClass = `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: ${cls} }
provisioner: podlet.io/local
reclaimPolicy: Retain
`;
    await k.ok(['apply', '-f', '-'], { input: storageClass });
    let pv = '';
    try {
      await k.ok(['apply', '-f', '-'], { input: claim(name, `\n  storageClassName: ${cls}`) });
      await waitFor('the claim bound', async () => (await phase('pvc', name)) === 'Bound');
      pv = await k.ok(['get', 'pvc', name, '-o', 'jsonpath={.spec.volumeName}']);
      await k.ok(['delete', 'pvc', name]);
      await waitFor('the volume released', async () => (await phase('pv', pv)) === 'Released');
      const pvRow = (await k.ok(['get', 'pv', pv, '--no-headers'])).trim().split(/\s+/);
      assert.deepEqual(pvRow.slice(3, 7), ['Retain', 'Released', `default/${name}`, cls]);
      assert.equal(await exists(join(k.instance.dataDir, 'volumes', pv)), true);
    } finally {
      await k.kubectl(['delete', 'pvc', name, '--ignore-not-found']);
      if (pv) await k.kubectl(['delete', 'pv', pv, '--ignore-not-found']);
      await k.kubectl(['delete', 'storageclass', cls, '--ignore-not-found']);
    }
  });

  test('data written by one pod on a claim outlives it and is read by the next', async () => {
    const name = `keep-${suffix}`;
    const user = (pod: string, script: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${pod} }
spec:
  restartPolicy: Never
  volumes: [{ name: data, persistentVolumeClaim: { claimName: ${name} } }]
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', '${script}']
      volumeMounts: [{ name: data, mountPath: /data }]
`;
    await k.ok(['apply', '-f', '-'], { input: claim(name) });
    try {
      await k.ok(['apply', '-f', '-'], { input: user('writer', 'echo kept > /data/file') });
      await waitFor('the writer to finish', async () => (await phase('pod', 'writer')) === 'Succeeded');
      await k.ok(['delete', 'pod', 'writer']);
      await k.ok(['apply', '-f', '-'], { input: user('reader', 'cat /data/file') });
      await waitFor('the reader to finish', async () => (await phase('pod', 'reader')) === 'Succeeded');
      assert.equal(await k.ok(['logs', 'reader']), 'kept\n');
      await k.ok(['delete', 'pod', 'reader']);
    } finally {
      await k.ok(['delete', 'pvc', name]);
    }
  });
});
