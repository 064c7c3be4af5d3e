import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AmbiguousImageReferenceError, InvalidImageNameError } from '../../../src/image/errors.js';
import { findImage } from '../../../src/image/image-lookup.js';
import type { NameEntry } from '../../../src/image/name-store.js';

const ID_A = `sha256:aa11${'0'.repeat(60)}`;
const ID_B = `sha256:aa22${'0'.repeat(60)}`;
const MANIFEST_A = `sha256:${'a'.repeat(64)}`;
const MANIFEST_B = `sha256:${'b'.repeat(64)}`;

const entry = (configDigest: string, manifestDigest: string): NameEntry => ({
  configDigest,
  manifestDigest,
  updated: '2024-01-01T00:00:00.000Z',
});
const entries = new Map<string, NameEntry>([
  ['docker.io/library/busybox:latest', entry(ID_A, MANIFEST_A)],
  ['docker.io/library/busybox:1.36', entry(ID_A, MANIFEST_A)],
  ['localhost:5000/app:v1', entry(ID_B, MANIFEST_B)],
]);

describe('findImage', () => {
  test('finds an image by its name in any spelling that normalises to it, standing for that name only', () => {
    for (const reference of [
      'busybox',
      'busybox:latest',
      'library/busybox',
      'docker.io/library/busybox:latest',
    ]) {
      assert.deepEqual(findImage(reference, entries), {
        id: ID_A,
        names: ['docker.io/library/busybox:latest'],
      });
    }
  });

  test('finds an image by full ID, with or without sha256:, standing for all its names', () => {
    const all = { id: ID_A, names: ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36'] };
    assert.deepEqual(findImage(ID_A, entries), all);
    assert.deepEqual(findImage(ID_A.slice(7), entries), all);
  });

  test('finds an image by a unique ID prefix', () => {
    assert.equal(findImage('aa2', entries)?.id, ID_B);
    assert.equal(findImage('sha256:aa11', entries)?.id, ID_A);
  });

  test('refuses an ID prefix that several images share', () => {
    assert.throws(() => findImage('aa', entries), AmbiguousImageReferenceError);
  });

  test('finds an image by repository and manifest digest; a tag beside the digest does not matter', () => {
    assert.equal(findImage(`busybox@${MANIFEST_A}`, entries)?.id, ID_A);
    assert.equal(findImage(`busybox:nope@${MANIFEST_A}`, entries)?.id, ID_A);
    assert.equal(findImage(`localhost:5000/app@${MANIFEST_A}`, entries), undefined);
  });

  test('prefers a name to an ID prefix that reads the same', () => {
    const withHexName = new Map([...entries, ['docker.io/library/aa2:latest', entry(ID_A, MANIFEST_A)]]);
    assert.equal(findImage('aa2', withHexName)?.id, ID_A);
  });

  test('finds nothing for an unknown name, and refuses a reference that is neither a name nor hex', () => {
    assert.equal(findImage('nginx', entries), undefined);
    assert.equal(findImage('ff', entries), undefined);
    assert.throws(() => findImage('Not/Valid:Name!', entries), InvalidImageNameError);
  });
});
