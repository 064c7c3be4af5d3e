// Layers as a container sees them: images built here (busybox plus hand-made layer tars added verbatim with
// `umoci raw add-layer`), pushed to a real registry and pulled by the kubelet.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { run } from '../../../src/util/exec.js';
import { exists, removeTree } from '../../../src/util/fs.js';
import { buildTar, tempDir, type TarEntrySpec } from '../../unit/image/tar-fixtures.js';
import {
  containerId,
  execIn,
  REPO,
  usePodlet,
  waitFor,
  waitRunning,
  writeManifest,
} from '../support/podlet-process.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sleeperPod } from '../support/manifests.js';

const BUSYBOX = join(REPO, 'test', 'fixtures', 'images', 'out', 'busybox.layout');
const ESCAPE = `/tmp/podlet-escape-${randomBytes(4).toString('hex')}`;

const pod = sleeperPod;

describe('image layers in a container', () => {
  let registry: TestRegistry | undefined;
  let dir = '';
  const fx = usePodlet({
    serveArgs: async () => {
      dir = await tempDir('pod-layers-it');
      registry = await startRegistry(join(dir, 'registry'));
      return ['--insecure-registry', registry.host];
    },
  });
  after(async () => {
    await registry?.stop();
    if (dir) await removeTree(dir);
  });

  /** busybox plus the given layers, pushed as `<repository>:1`. */
  async function pushImage(repository: string, layers: TarEntrySpec[][]): Promise<string> {
    const layout = join(dir, repository);
    await run('cp', ['-a', BUSYBOX, layout]);
    for (const [i, entries] of layers.entries()) {
      const file = join(dir, `${repository}-${i}.tar`);
      await writeFile(file, await buildTar(entries));
      await run('umoci', ['raw', 'add-layer', '--image', `${layout}:latest`, file]);
    }
    await registry!.push(`${layout}:latest`, `${repository}:1`);
    return `${registry!.host}/${repository}:1`;
  }

  test('a file deleted in an upper layer is gone and an opaque directory hides the lower content', async () => {
    const image = await pushImage('whiteouts', [
      [
        { name: 'etc/gone', content: 'lower' },
        { name: 'srv/lower/a', content: 'a' },
        { name: 'srv/lower/b', content: 'b' },
        { name: 'srv/replaced/old', content: 'old' },
      ],
      [
        { name: 'etc/.wh.gone', content: '' },
        { name: 'srv/lower/.wh..wh..opq', content: '' },
        { name: 'srv/lower/c', content: 'c' },
        { name: 'srv/.wh.replaced', content: '' },
        { name: 'srv/replaced/', type: 'directory' },
        { name: 'srv/replaced/new', content: 'new' },
      ],
    ]);
    await writeManifest(fx.instance, 'whiteouts.yaml', pod('whiteouts', image));
    const running = await waitRunning(fx.instance, 'whiteouts', ['c']);
    const id = containerId(running, 'c');
    const gone = await execIn(fx.instance, id, ['ls', '/etc/gone']);
    assert.notEqual(gone.exitCode, 0, 'the whited-out file is absent');
    assert.equal((await execIn(fx.instance, id, ['ls', '/srv/lower'])).stdout.trim(), 'c');
    assert.equal((await execIn(fx.instance, id, ['ls', '/srv/replaced'])).stdout.trim(), 'new');
    assert.equal((await execIn(fx.instance, id, ['cat', '/srv/lower/c'])).stdout, 'c');
  });

  test('a layer that climbs out of its root is refused: ErrImagePull naming the entry, nothing written outside', async () => {
    const image = await pushImage('escape', [[{ name: `../../../../../../..${ESCAPE}`, content: 'pwned' }]]);
    await writeManifest(fx.instance, 'escape.yaml', pod('escape', image));
    const line = await waitFor('the refused pull', async () =>
      fx.daemon.log
        .split('\n')
        .find((l) => l.includes('"pod":"escape-') && l.includes('Failed to pull image')),
    );
    assert.match(line, /escapes the layer root/);
    assert.match(line, /podlet-escape-/);
    assert.equal(await exists(ESCAPE), false);
  });
});
