import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  destroyInstance,
  importTestImage,
  newInstance,
  NOTHING_LEFT,
  NODE_NAME,
  PodletDaemon,
  ps,
  TEST_IMAGE,
  waitFor,
  waitRunning,
  writeManifest,
  removeManifest,
  type Instance,
} from '../support/podlet-process.js';

const pod = (name: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 2
  containers: [{ name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }]
`;

describe('two instances and bad manifests', () => {
  const instances: Instance[] = [];
  const daemons: PodletDaemon[] = [];

  before(async () => {
    for (let n = 0; n < 2; n++) {
      const i = await newInstance();
      await importTestImage(i);
      const d = new PodletDaemon(i);
      d.start();
      instances.push(i);
      daemons.push(d);
    }
  });

  after(async () => {
    for (const [n, i] of instances.entries()) {
      const left = await destroyInstance(i, daemons[n]);
      assert.deepEqual(left, NOTHING_LEFT);
    }
  });

  test('two podlet instances with their own data dir, bridge and CIDR run side by side', async () => {
    const [one, two] = instances as [Instance, Instance];
    await writeManifest(one, 'p.yaml', pod('same'));
    await writeManifest(two, 'p.yaml', pod('same'));
    const a = await waitRunning(one, 'same', ['c']);
    const b = await waitRunning(two, 'same', ['c']);
    assert.notEqual(a.sandbox.podUid, b.sandbox.podUid);
    const inCidr = (ip: string | undefined, cidr: string) =>
      ip?.startsWith(cidr.split('.').slice(0, 3).join('.') + '.');
    assert.ok(inCidr(a.sandbox.ips[0], one.podCidr), `${a.sandbox.ips[0]} in ${one.podCidr}`);
    assert.ok(inCidr(b.sandbox.ips[0], two.podCidr), `${b.sandbox.ips[0]} in ${two.podCidr}`);
    assert.equal((await ps(one)).length, 1);
    assert.equal((await ps(two)).length, 1);
  });

  test('a manifest that cannot run gets an error naming the file and field, and running pods are untouched', async () => {
    const [one] = instances as [Instance];
    const running = await waitRunning(one, 'same', ['c']);
    await writeManifest(one, 'bad.yaml', pod('Bad_Name').replace(`image: ${TEST_IMAGE}, `, ''));
    const log = await waitFor('the error in the log', async () =>
      daemons[0]!.log.split('\n').find((l) => l.includes('bad.yaml')),
    );
    assert.match(log, /metadata\.name/);
    assert.match(log, /spec\.containers\[0\]\.image: Required value/);
    await writeManifest(one, 'typo.yaml', pod('typo').replace('containers:', 'containers: 7\n  x:'));
    await writeManifest(one, 'noimage.yaml', pod('noimage').replace(TEST_IMAGE, 'localhost/not-imported:1'));
    const missing = await waitFor('the missing-image error', async () =>
      daemons[0]!.log.split('\n').find((l) => l.includes('Failed to pull image')),
    );
    assert.match(missing, new RegExp(`noimage-${NODE_NAME}`));
    // Not present and not pullable (nothing listens on localhost:443): the kubelet's pull failure event.
    assert.match(missing, /"reason":"Failed"/);
    assert.match(missing, /Failed to pull image \\"localhost\/not-imported:1\\"/);
    await waitFor('the type error in the log', async () => daemons[0]!.log.includes('typo.yaml'));
    const still = await waitRunning(one, 'same', ['c']);
    assert.deepEqual(
      still.containers.map((c) => [c.id, c.pid]),
      running.containers.map((c) => [c.id, c.pid]),
    );
    await removeManifest(one, 'noimage.yaml');
    await waitFor('the pod without image removed', async () => (await ps(one)).length === 1);
  });

  test('editing a manifest replaces its pod and removing the file stops it', async () => {
    const [, two] = instances as [Instance, Instance];
    const first = await waitRunning(two, 'same', ['c']);
    await writeManifest(two, 'p.yaml', pod('same').replace("'3600'", "'3601'"));
    const second = await waitFor('the edited pod', async () => {
      const p = await waitRunning(two, 'same', ['c']);
      return p.sandbox.podUid !== first.sandbox.podUid ? p : undefined;
    });
    assert.match(second.containers[0]?.id ?? '', /^[0-9a-f]+$/);
    await waitFor('only the edited pod left', async () => (await ps(two)).length === 1);
    await removeManifest(two, 'p.yaml');
    await waitFor('no pod left', async () => (await ps(two)).length === 0);
  });
});
