import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { LayerEntryError } from '../../../src/image/errors.js';
import { unpackLayer } from '../../../src/image/unpack.js';
import { run, runUnchecked } from '../../../src/util/exec.js';
import { removeTree } from '../../../src/util/fs.js';
import { buildTar, chunksOf, sha256, tempDir, type TarEntrySpec } from './tar-fixtures.js';

const hasZstd = (await runUnchecked('sh', ['-c', 'command -v zstd'])).exitCode === 0;
const hasSetfattr =
  (await runUnchecked('sh', ['-c', 'command -v setfattr && command -v getfattr'])).exitCode === 0;

describe('unpackLayer', () => {
  let root: string;
  let layer: string;
  let outside: string;

  before(async () => {
    root = await tempDir('unpack');
  });
  after(async () => {
    await removeTree(root);
  });
  beforeEach(async () => {
    const case_ = join(root, String(Math.random()).slice(2));
    layer = join(case_, 'layer');
    outside = join(case_, 'outside');
    await mkdir(layer, { recursive: true });
    await mkdir(outside);
  });

  async function unpack(entries: TarEntrySpec[]): Promise<{ diffId: string; size: number }> {
    return unpackLayer(chunksOf(await buildTar(entries)), layer);
  }

  test('writes regular files with their content, mode, owner and mtime', async () => {
    const mtime = new Date('2020-05-06T07:08:09Z');
    await unpack([
      { name: 'etc/app.conf', content: 'key=value\n', mode: 0o640, uid: 1000, gid: 2000, mtime },
      { name: 'bin/su', content: 'x', mode: 0o4755, uid: 1000, gid: 0 },
    ]);
    const conf = await stat(join(layer, 'etc/app.conf'));
    assert.equal(await readFile(join(layer, 'etc/app.conf'), 'utf8'), 'key=value\n');
    assert.equal(conf.mode & 0o7777, 0o640);
    assert.deepEqual([conf.uid, conf.gid], [1000, 2000]);
    assert.equal(conf.mtime.toISOString(), mtime.toISOString());
    assert.equal((await stat(join(layer, 'bin/su'))).mode & 0o7777, 0o4755, 'set-uid survives the chown');
  });

  test('creates implied parent directories as root-owned 0755', async () => {
    await unpack([{ name: 'a/b/file', content: 'x' }]);
    const implied = await stat(join(layer, 'a/b'));
    assert.equal(implied.mode & 0o7777, 0o755);
    assert.deepEqual([implied.uid, implied.gid], [0, 0]);
  });

  test('gives directories their mode, owner and mtime even when children are written after them', async () => {
    const mtime = new Date('2019-01-01T00:00:00Z');
    await unpack([
      { name: 'tmp/', type: 'directory', mode: 0o1777, mtime },
      { name: 'home/app/', type: 'directory', mode: 0o700, uid: 1000, gid: 1000, mtime },
      { name: 'home/app/.profile', content: 'export A=1' },
      { name: 'tmp/x', content: 'x' },
    ]);
    const tmp = await stat(join(layer, 'tmp'));
    assert.equal(tmp.mode & 0o7777, 0o1777);
    assert.equal(tmp.mtime.toISOString(), mtime.toISOString());
    const home = await stat(join(layer, 'home/app'));
    assert.deepEqual([home.mode & 0o7777, home.uid], [0o700, 1000]);
    assert.equal(home.mtime.toISOString(), mtime.toISOString());
  });

  test('creates symlinks as they are, without following them', async () => {
    await unpack([
      { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
      { name: 'etc/mtab', type: 'symlink', linkname: '/proc/self/mounts' },
    ]);
    assert.equal(await readlink(join(layer, 'bin/sh')), 'busybox');
    assert.equal(await readlink(join(layer, 'etc/mtab')), '/proc/self/mounts');
  });

  test('links a hard link to the file of the same layer it names', async () => {
    await unpack([
      { name: 'bin/busybox', content: 'binary', mode: 0o755 },
      { name: 'bin/ls', type: 'link', linkname: 'bin/busybox' },
    ]);
    const [a, b] = await Promise.all([stat(join(layer, 'bin/busybox')), stat(join(layer, 'bin/ls'))]);
    assert.equal(a.ino, b.ino);
    assert.equal(a.nlink, 2);
  });

  test('turns a .wh. file into an overlayfs whiteout: a 0/0 character device of the hidden name', async () => {
    await unpack([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/.wh.passwd', content: '' },
    ]);
    const whiteout = await lstat(join(layer, 'etc/passwd'));
    assert.ok(whiteout.isCharacterDevice());
    assert.equal(whiteout.rdev, 0);
    assert.deepEqual(await readdir(join(layer, 'etc')), ['passwd']);
  });

  test('refuses a whiteout that would hide its own directory or the one above it', async () => {
    await writeFile(join(outside, 'kept'), 'x');
    for (const name of ['.wh.', '.wh..', '.wh...', 'etc/.wh...']) {
      await assert.rejects(
        unpack([{ name, content: '' }]),
        (e: unknown) => e instanceof LayerEntryError && e.entry === name,
      );
    }
    assert.deepEqual(await readdir(outside), ['kept']);
    assert.ok((await stat(layer)).isDirectory());
  });

  test(
    'marks the directory holding .wh..wh..opq opaque for overlayfs',
    { skip: hasSetfattr ? false : 'setfattr/getfattr (Debian package attr) are not installed' },
    async () => {
      await unpack([
        { name: 'var/cache/', type: 'directory' },
        { name: 'var/cache/.wh..wh..opq', content: '' },
        { name: 'var/cache/kept', content: 'new' },
      ]);
      const dir = join(layer, 'var/cache');
      const xattr = await run('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', dir]);
      assert.equal(xattr.stdout, 'y');
      assert.deepEqual(await readdir(dir), ['kept']);
    },
  );

  test(
    'makes a directory that replaces a whiteout of the same layer opaque, so the lower one stays hidden',
    { skip: hasSetfattr ? false : 'setfattr/getfattr (Debian package attr) are not installed' },
    async () => {
      await unpack([
        { name: 'srv/.wh.data', content: '' },
        { name: 'srv/data/', type: 'directory' },
        { name: 'srv/data/new', content: 'n' },
      ]);
      const xattr = await run('getfattr', [
        '--only-values',
        '-n',
        'trusted.overlay.opaque',
        join(layer, 'srv/data'),
      ]);
      assert.equal(xattr.stdout, 'y');
      assert.deepEqual(await readdir(join(layer, 'srv/data')), ['new']);
    },
  );

  test('creates fifos and device nodes with their numbers', async () => {
    await unpack([
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'run/fifo', type: 'fifo', mode: 0o600 },
    ]);
    const dev = await lstat(join(layer, 'dev/null'));
    assert.ok(dev.isCharacterDevice());
    assert.deepEqual([(dev.rdev >> 8) & 0xfff, dev.rdev & 0xff, dev.mode & 0o7777], [1, 3, 0o666]);
    assert.ok((await lstat(join(layer, 'run/fifo'))).isFIFO());
  });

  test('reads absolute entry names relative to the layer, as tar does', async () => {
    await unpack([{ name: '/abs/file', content: 'x' }]);
    assert.equal(await readFile(join(layer, 'abs/file'), 'utf8'), 'x');
  });

  test('refuses an entry whose path climbs out of the layer and names it', async () => {
    await assert.rejects(
      unpack([{ name: '../outside/escape', content: 'x' }]),
      (e: unknown) =>
        e instanceof LayerEntryError && e.entry === '../outside/escape' && /escapes/.test(e.message),
    );
    assert.deepEqual(await readdir(outside), []);
  });

  test('refuses to write through a symlink that leads out of the layer, and writes nothing outside', async () => {
    for (const linkname of ['../outside', outside, 'a/../../../outside']) {
      const entries: TarEntrySpec[] = [
        { name: 'evil', type: 'symlink', linkname },
        { name: 'evil/pwned', content: 'x' },
      ];
      await assert.rejects(
        unpack(entries),
        (e: unknown) =>
          e instanceof LayerEntryError && e.entry === 'evil/pwned' && /symlink "evil"/.test(e.message),
        linkname,
      );
      await removeTree(join(layer, 'evil'));
    }
    assert.deepEqual(await readdir(outside), []);
  });

  test('follows a symlink that stays inside the layer', async () => {
    await unpack([
      { name: 'usr/lib/', type: 'directory' },
      { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
      { name: 'lib/libc.so', content: 'so' },
    ]);
    assert.equal(await readFile(join(layer, 'usr/lib/libc.so'), 'utf8'), 'so');
    assert.ok((await lstat(join(layer, 'lib'))).isSymbolicLink());
  });

  test('replaces an existing symlink with a file instead of writing through it', async () => {
    const victim = join(outside, 'victim');
    await writeFile(victim, 'original');
    await symlink(victim, join(layer, 'file'));
    await unpack([{ name: 'file', content: 'replaced' }]);
    assert.equal(await readFile(victim, 'utf8'), 'original');
    assert.equal(await readFile(join(layer, 'file'), 'utf8'), 'replaced');
    assert.ok((await lstat(join(layer, 'file'))).isFile());
  });

  test('refuses a hard link to a file outside the layer', async () => {
    await writeFile(join(outside, 'secret'), 'secret');
    await assert.rejects(
      unpack([{ name: 'h', type: 'link', linkname: '../outside/secret' }]),
      (e: unknown) => e instanceof LayerEntryError && e.entry === 'h',
    );
    assert.equal((await stat(join(outside, 'secret'))).nlink, 1);
  });

  test('computes the diffID over the uncompressed tar, gzip-compressed or not', async () => {
    const tar = await buildTar([{ name: 'f', content: 'data' }]);
    for (const blob of [tar, gzipSync(tar)]) {
      const target = join(layer, String(blob.length));
      await mkdir(target);
      const result = await unpackLayer(chunksOf(blob), target);
      assert.deepEqual(result, { diffId: sha256(tar), size: tar.length });
      assert.equal(await readFile(join(target, 'f'), 'utf8'), 'data');
    }
  });

  test(
    'unpacks a zstd-compressed layer and computes its diffID over the plain tar',
    { skip: hasZstd ? false : 'zstd (Debian package zstd) is not installed' },
    async () => {
      const tar = await buildTar([{ name: 'big', content: 'zstd '.repeat(100_000) }]);
      const file = join(layer, '..', 'layer.tar');
      await writeFile(file, tar);
      await run('zstd', ['-q', '-f', file, '-o', `${file}.zst`]);
      const blob = await readFile(`${file}.zst`);
      const result = await unpackLayer(chunksOf(blob), layer);
      assert.deepEqual(result, { diffId: sha256(tar), size: tar.length });
      assert.equal((await stat(join(layer, 'big'))).size, 500_000);
    },
  );

  test('refuses a layer with zstd magic but no valid frame', async () => {
    const zstdMagic = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    await assert.rejects(unpackLayer(chunksOf(zstdMagic), layer));
  });

  test(
    'applies PAX xattrs (file capabilities, user attributes) but never overlayfs attributes from a layer',
    { skip: hasSetfattr ? false : 'setfattr/getfattr (Debian package attr) are not installed' },
    async () => {
      await unpack([
        {
          name: 'bin/ping',
          content: 'elf',
          pax: { 'SCHILY.xattr.user.origin': 'layer-test', 'SCHILY.xattr.trusted.overlay.opaque': 'y' },
        },
        { name: 'data/', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y' } },
      ]);
      const user = await run('getfattr', ['--only-values', '-n', 'user.origin', join(layer, 'bin/ping')]);
      assert.equal(user.stdout, 'layer-test');
      for (const path of ['bin/ping', 'data']) {
        const forged = await runUnchecked('getfattr', ['-n', 'trusted.overlay.opaque', join(layer, path)]);
        assert.notEqual(forged.exitCode, 0, `${path} carries no overlayfs attribute`);
      }
    },
  );

  test('fails on a truncated layer', async () => {
    const tar = await buildTar([{ name: 'f', content: 'x'.repeat(5000) }]);
    await assert.rejects(unpackLayer(chunksOf(tar.subarray(0, 2000)), layer));
  });
});
