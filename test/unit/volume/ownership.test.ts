import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ensureVolumeOwnership } from '../../../src/volume/ownership.js';

const dir = await mkdtemp(join(tmpdir(), 'podlet-ownership-'));
after(() => rm(dir, { recursive: true, force: true }));

const modeOf = async (p: string) => (await lstat(p)).mode & 0o7777;

describe('fsGroup ownership', () => {
  test('a writable volume: group, setgid and group rw(x) on everything below', async () => {
    const root = join(dir, 'rw');
    await mkdir(join(root, 'sub'), { recursive: true, mode: 0o700 });
    await writeFile(join(root, 'sub', 'f'), 'x', { mode: 0o600 });
    await ensureVolumeOwnership(root, 4242, false);
    for (const [path, mode] of [
      [root, 0o2770],
      [join(root, 'sub'), 0o2770],
      [join(root, 'sub', 'f'), 0o660],
    ] as const) {
      assert.equal((await lstat(path)).gid, 4242, path);
      assert.equal((await modeOf(path)) & mode, mode, path);
    }
  });

  test('an atomic-writer volume is redone when its ..data moves to a new directory', async () => {
    const root = join(dir, 'ro');
    await mkdir(join(root, '..2025_1'), { recursive: true });
    await writeFile(join(root, '..2025_1', 'key'), 'v', { mode: 0o400 });
    await symlink('..2025_1', join(root, '..data'));
    await ensureVolumeOwnership(root, 4343, true);
    assert.equal((await lstat(join(root, '..2025_1', 'key'))).gid, 4343);
    assert.equal(await modeOf(join(root, '..2025_1', 'key')), 0o440);
    await mkdir(join(root, '..2025_2'));
    await writeFile(join(root, '..2025_2', 'key'), 'w', { mode: 0o400 });
    await rm(join(root, '..data'));
    await symlink('..2025_2', join(root, '..data'));
    await ensureVolumeOwnership(root, 4343, true);
    assert.equal((await lstat(join(root, '..2025_2', 'key'))).gid, 4343);
  });
});
