// kubectl cp both ways (tar through exec), for a file and a directory, with the current kubectl and 1.27 (SPDY).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TEST_IMAGE } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('kubectl cp', () => {
  const k = useCluster();
  let dir = '';
  after(() => rm(dir, { recursive: true, force: true }));

  test('copies a file and a directory into a container and back, intact, with either protocol', async () => {
    dir = await mkdtemp(join(tmpdir(), 'podlet-cp-'));
    const data = randomBytes(3 * 1024 * 1024);
    await writeFile(join(dir, 'blob'), data);
    await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
    await writeFile(join(dir, 'tree', 'sub', 'note'), 'hello\n');
    await k.ok(['run', 'cp', `--image=${TEST_IMAGE}`, '--restart=Never', '--', 'sleep', '3600']);
    await k.ok(['wait', '--for=condition=Ready', 'pod/cp', '--timeout=60s']);
    await k.ok(['cp', join(dir, 'blob'), 'cp:/tmp/blob']);
    await k.ok(['cp', join(dir, 'tree'), 'cp:/tmp/tree']);
    assert.equal((await k.ok(['exec', 'cp', '--', 'sha256sum', '/tmp/blob'])).split(' ')[0], sha(data));
    assert.equal(await k.ok(['exec', 'cp', '--', 'cat', '/tmp/tree/sub/note']), 'hello\n');
    for (const version of [undefined, '1.27']) {
      const back = join(dir, `back-${version ?? 'current'}`);
      await k.ok(['cp', 'cp:/tmp/blob', `${back}.blob`], version ? { version } : {});
      await k.ok(['cp', 'cp:/tmp/tree', `${back}.tree`], version ? { version } : {});
      assert.equal(sha(await readFile(`${back}.blob`)), sha(data), `file back with ${version ?? 'current'}`);
      assert.equal(await readFile(join(`${back}.tree`, 'sub', 'note'), 'utf8'), 'hello\n');
    }
    await k.ok(['delete', 'pod', 'cp', '--grace-period=1']);
  });
});
