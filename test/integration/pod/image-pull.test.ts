// The kubelet's pull path with a real registry: a pod naming an image the registry does not have yet fails to pull,
// backs off, and starts on its own once the image is pushed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { removeTree } from '../../../src/util/fs.js';
import { tempDir } from '../../unit/image/tar-fixtures.js';
import { REPO, ps, waitFor, waitRunning, writeManifest, usePodlet } from '../support/podlet-process.js';
import { sleeperPod } from '../support/manifests.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const LAYOUT = join(REPO, 'test', 'fixtures', 'images', 'out', 'busybox.layout');

describe('image pulls by the kubelet', () => {
  let registry: TestRegistry | undefined;
  let dir = '';
  const fx = usePodlet({
    serveArgs: async () => {
      dir = await tempDir('pod-pull-it');
      registry = await startRegistry(dir);
      return ['--insecure-registry', registry.host];
    },
  });
  after(async () => {
    await registry?.stop();
    if (dir) await removeTree(dir);
  });

  test('a missing image is ErrImagePull, then back-off, and the pod starts once the image is pushed', async () => {
    const image = `${registry!.host}/later/busybox:1`;
    const manifest = sleeperPod('later', image);
    await writeManifest(fx.instance, 'later.yaml', manifest);
    const events = () =>
      fx.daemon.log
        .split('\n')
        .filter((l) => l.includes('"pod":"later-'))
        .map((l) => JSON.parse(l) as { reason?: string; msg: string });
    await waitFor('the pull failure', async () => events().some((e) => e.msg === 'Error: ErrImagePull'));
    const failed = events().find((e) => e.reason === 'Failed' && e.msg.startsWith('Failed to pull image'));
    assert.ok(failed, 'a Failed event names the image');
    assert.match(failed.msg, new RegExp(`Failed to pull image "${image.replace(/\./g, '\\.')}"`));
    await waitFor('the back-off', async () => events().some((e) => e.msg === 'Error: ImagePullBackOff'));
    assert.ok(events().some((e) => e.reason === 'BackOff' && e.msg === `Back-off pulling image "${image}"`));
    assert.equal(
      (await ps(fx.instance)).find((p) => p.sandbox.podName.startsWith('later-'))?.containers.length ?? 0,
      0,
    );
    await registry!.push(`${LAYOUT}:latest`, 'later/busybox:1');
    const running = await waitRunning(fx.instance, 'later', ['c'], 60_000);
    assert.equal(running.containers[0]?.image, image);
    assert.ok(events().some((e) => e.reason === 'Pulled' && /^Successfully pulled image/.test(e.msg)));
  });
});
