import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allocateUserNamespace, USERNS_SIZE } from '../../../src/runtime/userns.js';

describe('user namespace ranges', () => {
  test('the first range is left to the host; the lowest free one is taken', () => {
    assert.deepEqual(allocateUserNamespace(new Set()), { hostId: USERNS_SIZE, size: USERNS_SIZE });
    const taken = new Set([USERNS_SIZE, 3 * USERNS_SIZE]);
    assert.equal(allocateUserNamespace(taken).hostId, 2 * USERNS_SIZE);
  });

  test('ranges run out after 2^32 IDs', () => {
    const all = new Set(Array.from({ length: 65535 }, (_, i) => (i + 1) * USERNS_SIZE));
    assert.throws(() => allocateUserNamespace(all), /no free range of 65536 host IDs/);
  });
});
