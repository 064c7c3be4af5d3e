// AppArmor through kubectl on a host without it (this one): the API syncs the deprecated annotation into the field
// and checks that both agree, and the kubelet holds every pod that asks for a confining profile Pending, its
// containers `Blocked`, with the reason and message the kubelet gives; Unconfined runs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const hostHasAppArmor = await readFile('/sys/module/apparmor/parameters/enabled', 'utf8').then(
  (t) => t.startsWith('Y'),
  () => false,
);

function pod(name: string, extra: { annotation?: string; profile?: string; podProfile?: string }): string {
  return `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  ${extra.annotation ? `annotations: { container.apparmor.security.beta.kubernetes.io/c: '${extra.annotation}' }` : ''}
spec:
  terminationGracePeriodSeconds: 1
  ${extra.podProfile ? `securityContext: { appArmorProfile: ${extra.podProfile} }` : ''}
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sleep', '3600']
      ${extra.profile ? `securityContext: { appArmorProfile: ${extra.profile} }` : ''}
`;
}

describe(
  'AppArmor',
  { skip: hostHasAppArmor && 'the host has AppArmor: these tests are for a host without it' },
  () => {
    const k = useCluster();
    const get = async (name: string) => JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;

    test('a pod asking for a profile is held Pending and Blocked, with the reason the kubelet gives', async () => {
      await k.ok(['apply', '-f', '-'], {
        input: pod('runtime-default', { profile: '{ type: RuntimeDefault }' }),
      });
      await k.ok(['apply', '-f', '-'], {
        input: pod('localhost', { podProfile: '{ type: Localhost, localhostProfile: k8s-deny-write }' }),
      });
      await k.ok(['apply', '-f', '-'], { input: pod('unconfined', { profile: '{ type: Unconfined }' }) });
      await k.ok(['wait', '--for=condition=Ready', 'pod/unconfined', '--timeout=60s']);
      for (const name of ['runtime-default', 'localhost']) {
        await waitFor(`${name} blocked`, async () => (await get(name)).status?.reason === 'AppArmor');
        const status = (await get(name)).status;
        assert.equal(status?.phase, 'Pending');
        assert.equal(status?.message, 'Cannot enforce AppArmor: AppArmor is not enabled on the host');
        assert.equal(status?.containerStatuses?.[0]?.state?.waiting?.reason, 'Blocked');
        assert.match(
          await k.ok(['get', 'pod', name, '--no-headers']),
          new RegExp(`^${name}\\s+0/1\\s+Blocked\\s`),
        );
      }
    });

    test('the deprecated annotation becomes the field, with the deprecation warning, and is enforced too', async () => {
      const created = await k.kubectl(['apply', '-f', '-'], {
        input: pod('annotated', { annotation: 'runtime/default' }),
      });
      assert.equal(created.exitCode, 0, created.stderr);
      assert.match(
        created.stderr,
        /Warning: metadata\.annotations\[container\.apparmor\.security\.beta\.kubernetes\.io\/c\]: deprecated since v1\.30; use the "appArmorProfile" field instead/,
      );
      const stored = await get('annotated');
      assert.deepEqual(stored.spec?.containers[0]?.securityContext?.appArmorProfile, {
        type: 'RuntimeDefault',
      });
      await waitFor('annotated blocked', async () => (await get('annotated')).status?.reason === 'AppArmor');
    });

    test('an annotation that disagrees with the field, or names no profile, is refused by the API', async () => {
      const mismatch = await k.kubectl(['apply', '-f', '-'], {
        input: pod('mismatch', { annotation: 'unconfined', profile: '{ type: RuntimeDefault }' }),
      });
      assert.notEqual(mismatch.exitCode, 0);
      assert.match(
        mismatch.stderr,
        /spec\.containers\[0\]\.securityContext\.appArmorProfile\.type: Forbidden: apparmor type in annotation and field must match/,
      );
      const bad = await k.kubectl(['apply', '-f', '-'], {
        input: pod('bad', { annotation: 'docker-default' }),
      });
      assert.match(
        bad.stderr,
        /metadata\.annotations\[container\.apparmor\.security\.beta\.kubernetes\.io\/c\]: Invalid value: "docker-default": invalid AppArmor profile name: "docker-default"/,
      );
      assert.equal((await k.kubectl(['get', 'pod', 'mismatch'])).exitCode, 1);
    });
  },
);
