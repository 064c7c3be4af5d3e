// Image garbage collection never takes an image from under a container: rm refuses, prune keeps it, and both work
// once the pod is gone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runUnchecked } from '../../../src/util/exec.js';
import {
  PODLET,
  podlet,
  ps,
  removeManifest,
  TEST_IMAGE,
  usePodlet,
  waitFor,
  waitRunning,
  writeManifest,
} from '../support/podlet-process.js';
import { sleeperPod } from '../support/manifests.js';

const POD = sleeperPod('user');

describe('images in use', () => {
  const fx = usePodlet();

  test('an image a container uses cannot be removed or pruned; once the pod is gone prune frees it', async () => {
    const dataDir = ['--data-dir', fx.instance.dataDir];
    await writeManifest(fx.instance, 'user.yaml', POD);
    const running = await waitRunning(fx.instance, 'user', ['c']);
    const rm = await runUnchecked(PODLET, ['image', 'rm', TEST_IMAGE, ...dataDir]);
    assert.equal(rm.exitCode, 1);
    assert.match(
      rm.stderr,
      /^podlet: image ".*busybox:1\.0" \([0-9a-f]{12}\) is in use by container [0-9a-f]{12} \(c in pod default\/user-test-node\)$/m,
    );
    const kept = JSON.parse(await podlet(['image', 'prune', '--json', ...dataDir])) as {
      removedImages: number;
    };
    assert.equal(kept.removedImages, 0);
    assert.equal(JSON.parse(await podlet(['image', 'ls', '--json', ...dataDir])).length, 1);
    const still = await waitRunning(fx.instance, 'user', ['c']);
    assert.equal(still.containers[0]?.pid, running.containers[0]?.pid);
    await removeManifest(fx.instance, 'user.yaml');
    await waitFor('the pod removed', async () => (await ps(fx.instance)).length === 0);
    const freed = JSON.parse(await podlet(['image', 'prune', '--json', ...dataDir])) as {
      removedImages: number;
      removedLayers: number;
    };
    assert.deepEqual([freed.removedImages, freed.removedLayers > 0], [1, true]);
  });
});
