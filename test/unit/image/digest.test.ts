import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chainIds, digestHex, isSha256Digest, sha256Digest } from '../../../src/image/digest.js';

// Expected values computed with coreutils: printf '%s %s' "$parent" "$diffId" | sha256sum
const A = 'sha256:589f0d58b9053a4ff7329b8fdb4f9dd120e29354c086ad0b3b10733f6cfd6de3';
const B = 'sha256:55fea2a37a9fc5963f1beccd0d162b856e6bd05ca07cdd3726847846ab740f0d';
const C = 'sha256:e6c65c655ca8172ab7a2b634dab3220a45472dd6571b6efd956ccc05e229a201';
const AB = 'sha256:267c5fd16af60e52927fabf0a36a31f3b5a2069347f7f00c7bd7f93f6ebc01f4';
const ABC = 'sha256:82c0ed5f6c15be9b9180a8c04b9f2c676d74af6db13c711f5bb47a0fa43b56df';

describe('chainIds', () => {
  test('the chain ID of the bottom layer is its diffID', () => {
    assert.deepEqual(chainIds([A]), [A]);
  });

  test('each further chain ID hashes the parent chain ID, a space and the diffID', () => {
    assert.deepEqual(chainIds([A, B, C]), [A, AB, ABC]);
  });

  test('the same layer on a different base gets a different chain ID', () => {
    const [, onA] = chainIds([A, C]);
    const [, onB] = chainIds([B, C]);
    assert.notEqual(onA, onB);
  });

  test('an image without layers has no chain IDs', () => {
    assert.deepEqual(chainIds([]), []);
  });
});

describe('sha256 digests', () => {
  test('sha256Digest hashes the bytes given', () => {
    assert.equal(sha256Digest('layer-a'), A);
  });

  test('isSha256Digest accepts only lower-case sha256 digests of full length', () => {
    assert.ok(isSha256Digest(A));
    for (const bad of [A.toUpperCase(), A.slice(0, -1), `sha512:${A.slice(7)}`, A.slice(7), 42]) {
      assert.equal(isSha256Digest(bad), false, String(bad));
    }
  });

  test('digestHex refuses anything but a sha256 digest, so it cannot build a path from one', () => {
    assert.equal(digestHex(A), A.slice(7));
    assert.throws(() => digestHex('sha256:../../etc'), TypeError);
  });
});
