import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultUiRoot, uiFilePath } from '../../../src/apiserver/dashboard/static-files.js';

describe('dashboard file paths', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'podlet-ui-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('maps an asset under /ui/ to its file', () => {
    assert.equal(uiFilePath(root, '/ui/assets/index-abc.js'), join(root, 'assets', 'index-abc.js'));
  });

  test("gives index.html for the app's own routes", () => {
    assert.equal(uiFilePath(root, '/ui/'), join(root, 'index.html'));
    assert.equal(uiFilePath(root, '/ui/pods/default/web'), join(root, 'index.html'));
    assert.equal(uiFilePath(root, '/ui/node'), join(root, 'index.html'));
  });

  test('refuses paths that leave the folder, encoded or not', () => {
    assert.equal(uiFilePath(root, '/ui/../package.json'), undefined);
    assert.equal(uiFilePath(root, '/ui/%2e%2e/%2e%2e/etc/passwd.txt'), undefined);
    assert.equal(uiFilePath(root, '/ui/assets/..%2f..%2fsecret.js'), undefined);
    assert.equal(uiFilePath(root, '/ui/%2fetc%2fshadow.txt'), undefined);
    assert.equal(uiFilePath(root, '/ui/a%00.js'), undefined);
    assert.equal(uiFilePath(root, '/ui/%E0%A4%A.js'), undefined);
  });

  test('answers nothing outside /ui/', () => {
    assert.equal(uiFilePath(root, '/api/v1/pods'), undefined);
    assert.equal(uiFilePath(root, '/uix/a.js'), undefined);
  });

  test('finds dist/ui of this checkout by default', () => {
    assert.match(defaultUiRoot(), /\/dist\/ui$/);
  });
});
