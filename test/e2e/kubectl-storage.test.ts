// PersistentVolumeClaims, PersistentVolumes and StorageClasses through the real kubectl: defaults a cluster
// fills in, kube-apiserver's validation messages, and the update rules (a claim's request, a class's fields).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { useCluster } from './support/cluster.js';

const suffix = randomBytes(3).toString('hex');

const claim = (name: string, storage: string, extra = '') => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: ${name} }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: ${storage} } }${extra}
`;

const volume = (name: string, path: string) => `
apiVersion: v1
kind: PersistentVolume
metadata: { name: ${name} }
spec:
  capacity: { storage: 1Gi }
  accessModes: [ReadWriteOnce]
  hostPath: { path: ${path} }
`;

/** A class no volume has and nobody provisions: the claim stays Pending beside podlet's own binder. */
const unmatched = `\n  storageClassName: manual-${suffix}`;

const storageClass = (name: string, extra = '') => `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: ${name} }
provisioner: example.com/hostpath${extra}
`;

describe('storage objects through kubectl', () => {
  const k = useCluster();

  test('a claim, a volume and a class are stored with the defaults a cluster gives them', async () => {
    const [pvc, pv, sc] = [`data-${suffix}`, `pv-${suffix}`, `fast-${suffix}`];
    await k.ok(['apply', '-f', '-'], { input: claim(pvc, '1Gi', unmatched) });
    await k.ok(['apply', '-f', '-'], { input: volume(pv, `/tmp/podlet-e2e-${suffix}`) });
    await k.ok(['apply', '-f', '-'], { input: storageClass(sc) });
    try {
      const c = JSON.parse(await k.ok(['get', 'pvc', pvc, '-o', 'json']));
      assert.equal(c.spec.volumeMode, 'Filesystem');
      assert.deepEqual(c.status, { phase: 'Pending' });
      const v = JSON.parse(await k.ok(['get', 'pv', pv, '-o', 'json']));
      assert.equal(v.spec.persistentVolumeReclaimPolicy, 'Retain');
      assert.equal(v.spec.volumeMode, 'Filesystem');
      assert.equal(v.spec.hostPath.type, '');
      // Pending when stored; the binder then finds no claim for it and makes it Available.
      assert.ok(['Pending', 'Available'].includes(v.status.phase), v.status.phase);
      assert.match(v.status.lastPhaseTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const yaml = await k.ok(['get', 'storageclass', sc, '-o', 'yaml']);
      assert.match(yaml, /^reclaimPolicy: Delete$/m);
      assert.match(yaml, /^volumeBindingMode: Immediate$/m);
    } finally {
      await k.ok(['delete', 'pvc', pvc]);
      await k.ok(['delete', 'pv', pv]);
      await k.ok(['delete', 'storageclass', sc]);
    }
  });

  test('a status sent with a new claim is not kept', async () => {
    const name = `status-${suffix}`;
    const input = claim(name, '1Gi', unmatched) + 'status: { phase: Bound, capacity: { storage: 5Gi } }\n';
    await k.ok(['create', '-f', '-'], { input });
    try {
      assert.deepEqual(JSON.parse(await k.ok(['get', 'pvc', name, '-o', 'json'])).status, {
        phase: 'Pending',
      });
    } finally {
      await k.ok(['delete', 'pvc', name]);
    }
  });

  test('invalid objects get kube-apiserver messages and are not stored', async () => {
    const cases: [string, string, RegExp][] = [
      [
        `bad-claim-${suffix}`,
        `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: bad-claim-${suffix} }\nspec: { storageClassName: fast }\n`,
        new RegExp(
          `The PersistentVolumeClaim "bad-claim-${suffix}" is invalid: \\n` +
            '\\* spec\\.accessModes: Required value: at least 1 access mode is required\\n' +
            '\\* spec\\.resources\\[storage\\]: Required value',
        ),
      ],
      [
        `rwop-${suffix}`,
        claim(`rwop-${suffix}`, '1Gi').replace('[ReadWriteOnce]', '[ReadWriteOncePod, ReadOnlyMany]'),
        /spec\.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes/,
      ],
      [
        `zero-${suffix}`,
        claim(`zero-${suffix}`, '0'),
        /spec\.resources\[storage\]: Invalid value: "0": must be greater than zero/,
      ],
      [
        `local-${suffix}`,
        volume(`local-${suffix}`, '/tmp').replace('hostPath: { path: /tmp }', 'local: { path: /mnt }'),
        /spec\.nodeAffinity: Required value: Local volume requires node affinity/,
      ],
      [
        `policy-${suffix}`,
        storageClass(`policy-${suffix}`, '\nreclaimPolicy: Recycle'),
        /reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"/,
      ],
    ];
    for (const [name, input, message] of cases) {
      const result = await k.kubectl(['apply', '-f', '-'], { input });
      assert.notEqual(result.exitCode, 0, name);
      assert.match(result.stderr, message, name);
    }
    const names = await k.ok(['get', 'pvc,pv,storageclass', '-o', 'name']);
    for (const [name] of cases) assert.doesNotMatch(names, new RegExp(`/${name}$`, 'm'));
  });

  test('a claim request that shrinks is refused and the stored request stays', async () => {
    const name = `shrink-${suffix}`;
    await k.ok(['apply', '-f', '-'], { input: claim(name, '2Gi', unmatched) });
    try {
      const result = await k.kubectl(['apply', '-f', '-'], { input: claim(name, '1Gi', unmatched) });
      assert.notEqual(result.exitCode, 0);
      assert.match(
        result.stderr,
        new RegExp(
          `The PersistentVolumeClaim "${name}" is invalid: spec: Forbidden: spec is immutable after creation ` +
            'except resources\\.requests and volumeAttributesClassName for bound claims',
        ),
      );
      const stored = await k.ok(['get', 'pvc', name, '-o', 'jsonpath={.spec.resources.requests.storage}']);
      assert.equal(stored, '2Gi');
    } finally {
      await k.ok(['delete', 'pvc', name]);
    }
  });

  test('a storage class keeps its provisioner and parameters; a volume its source', async () => {
    const [sc, pv] = [`immutable-${suffix}`, `source-${suffix}`];
    await k.ok(['apply', '-f', '-'], { input: storageClass(sc, '\nparameters: { type: ssd }') });
    await k.ok(['apply', '-f', '-'], { input: volume(pv, `/tmp/podlet-e2e-a-${suffix}`) });
    try {
      const changed = storageClass(sc, '\nparameters: { type: hdd }\nreclaimPolicy: Retain');
      const refused = await k.kubectl(['apply', '-f', '-'], { input: changed });
      assert.match(refused.stderr, /\* parameters: Forbidden: updates to parameters are forbidden\./);
      assert.match(refused.stderr, /\* reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden\./);
      const moved = await k.kubectl(['apply', '-f', '-'], {
        input: volume(pv, `/tmp/podlet-e2e-b-${suffix}`),
      });
      assert.match(
        moved.stderr,
        /spec\.persistentvolumesource: Forbidden: spec\.persistentvolumesource is immutable after creation/,
      );
      const retained = await k.kubectl([
        'patch',
        'pv',
        pv,
        '-p',
        '{"spec":{"persistentVolumeReclaimPolicy":"Delete"}}',
      ]);
      assert.equal(retained.exitCode, 0, retained.stderr);
    } finally {
      await k.ok(['delete', 'storageclass', sc]);
      await k.ok(['delete', 'pv', pv]);
    }
  });

  test('the Recycle policy is accepted with a deprecation warning', async () => {
    const name = `recycle-${suffix}`;
    const input = volume(name, `/tmp/podlet-e2e-r-${suffix}`) + '  persistentVolumeReclaimPolicy: Recycle\n';
    const result = await k.kubectl(['apply', '-f', '-'], { input });
    try {
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(
        result.stderr,
        /Warning: spec\.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated\./,
      );
    } finally {
      await k.ok(['delete', 'pv', name]);
    }
  });
});
