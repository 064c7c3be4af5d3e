import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ImageRecord } from '../../../src/image/types.js';
import type { PodEvent } from '../../../src/kubelet/events.js';
import { ImageManager } from '../../../src/kubelet/image-manager.js';

const image = (name: string): ImageRecord => ({
  id: 'sha256:' + 'a'.repeat(64),
  names: [name],
  manifestDigest: 'sha256:' + 'b'.repeat(64),
  repoDigests: [],
  size: 4242,
  config: {},
  layers: [],
});

function setUp(options: { present?: string[]; pullFails?: () => boolean } = {}) {
  let now = 1_000_000;
  const stored = new Set(options.present ?? []);
  const events: PodEvent[] = [];
  const pulls: string[] = [];
  const manager = new ImageManager({
    lookup: async (ref) => (stored.has(ref) ? image(ref) : undefined),
    pull: async (ref) => {
      pulls.push(ref);
      now += 1500;
      if (options.pullFails?.()) throw new Error(`manifest unknown: ${ref}`);
      stored.add(ref);
      return image(ref);
    },
    events: { record: (_pod, e) => events.push(e) },
    now: () => now,
  });
  const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'uid1' }, spec: { containers: [] } };
  const container = (img: string, policy?: string): Container => ({
    name: 'c',
    image: img,
    ...(policy ? { imagePullPolicy: policy } : {}),
  });
  return { manager, events, pulls, pod, container, advance: (ms: number) => (now += ms) };
}

test('IfNotPresent uses a stored image without pulling and says it is already present', async () => {
  const t = setUp({ present: ['reg/app:1'] });
  const result = await t.manager.ensureImage(t.pod, t.container('reg/app:1', 'IfNotPresent'));
  assert.ok('image' in result);
  assert.deepEqual(t.pulls, []);
  assert.deepEqual(t.events, [
    {
      type: 'Normal',
      reason: 'Pulled',
      message: 'Container image "reg/app:1" already present on machine',
      fieldPath: 'spec.containers{c}',
    },
  ]);
});

test('Always pulls even a stored image and reports the time and size as the kubelet does', async () => {
  const t = setUp({ present: ['reg/app:1'] });
  const result = await t.manager.ensureImage(t.pod, t.container('reg/app:1', 'Always'));
  assert.ok('image' in result);
  assert.deepEqual(t.pulls, ['reg/app:1']);
  assert.deepEqual(
    t.events.map((e) => [e.reason, e.message]),
    [
      ['Pulling', 'Pulling image "reg/app:1"'],
      [
        'Pulled',
        'Successfully pulled image "reg/app:1" in 1.5s (1.5s including waiting). Image size: 4242 bytes.',
      ],
    ],
  );
});

test('Never with a missing image is ErrImageNeverPull and never pulls', async () => {
  const t = setUp();
  const result = await t.manager.ensureImage(t.pod, t.container('reg/app:1', 'Never'));
  assert.deepEqual(result, {
    failure: {
      reason: 'ErrImageNeverPull',
      message: 'Container image "reg/app:1" is not present with pull policy of Never',
    },
  });
  assert.deepEqual(t.pulls, []);
  assert.equal(t.events[0]?.type, 'Warning');
});

test('a failed pull is ErrImagePull, then ImagePullBackOff until the delay passes, then a new pull succeeds', async () => {
  let failing = true;
  const t = setUp({ pullFails: () => failing });
  const c = t.container('reg/app:1');
  const first = await t.manager.ensureImage(t.pod, c);
  assert.deepEqual(first, { failure: { reason: 'ErrImagePull', message: 'manifest unknown: reg/app:1' } });
  assert.equal(t.events.at(-1)?.message, 'Failed to pull image "reg/app:1": manifest unknown: reg/app:1');
  t.advance(5_000);
  const held = await t.manager.ensureImage(t.pod, c);
  assert.deepEqual(held, {
    failure: {
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "reg/app:1": ErrImagePull: manifest unknown: reg/app:1',
    },
  });
  assert.equal(t.pulls.length, 1, 'no pull during back-off');
  t.advance(5_000);
  failing = false;
  const later = await t.manager.ensureImage(t.pod, c);
  assert.ok('image' in later);
  assert.equal(t.pulls.length, 2);
});

test('an unparsable image name is InvalidImageName with the parser message', async () => {
  const t = setUp();
  const result = await t.manager.ensureImage(t.pod, t.container('Bad Image'));
  assert.ok('failure' in result);
  assert.equal(result.failure.reason, 'InvalidImageName');
  assert.match(
    result.failure.message,
    /^Failed to apply default image tag "Bad Image": couldn't parse image name "Bad Image": /,
  );
  assert.equal(t.events[0]?.reason, 'InspectFailed');
});
