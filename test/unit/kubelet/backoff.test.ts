import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrashBackoff, ImagePullBackoff } from '../../../src/kubelet/backoff.js';

test('the first restart is immediate, then the waits are 10 s, 20 s, 40 s ... capped at 300 s', () => {
  let now = 0;
  const b = new CrashBackoff(() => now);
  const waits: number[] = [];
  let finishedAt = 0;
  for (let i = 0; i < 8; i++) {
    const wait = b.remainingMs('k', finishedAt);
    waits.push(wait);
    now = finishedAt + wait;
    assert.equal(b.ready('k', finishedAt), true);
    finishedAt = now + 1000; // the container runs a second, then exits again
    now = finishedAt;
  }
  assert.deepEqual(waits, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
});

test('a container in back-off may not start before its wait is over', () => {
  let now = 0;
  const b = new CrashBackoff(() => now);
  assert.equal(b.ready('k', 0), true);
  now = 5_000;
  assert.equal(b.ready('k', 1_000), false);
  now = 11_000;
  assert.equal(b.ready('k', 1_000), true);
});

test('an entry untouched for 10 minutes is forgotten, so the next restart is immediate', () => {
  let now = 0;
  const b = new CrashBackoff(() => now);
  b.ready('k', 0);
  now = 20_000;
  b.ready('k', 5_000);
  now = 20_000 + 601_000;
  assert.equal(b.remainingMs('k', now - 1), 0);
  assert.equal(b.ready('k', now - 1), true);
});

test('forgetting a pod drops only its entries', () => {
  let now = 0;
  const b = new CrashBackoff(() => now);
  b.ready('uid1_a_h', 0);
  b.ready('uid2_a_h', 0);
  b.forgetPod('uid1');
  now = 1;
  assert.equal(b.remainingMs('uid1_a_h', 0), 0);
  assert.equal(b.remainingMs('uid2_a_h', 0), 9_999);
});

test('an image pull is held back 10 s after a failure, then 20 s after the next, and free after ten quiet minutes', () => {
  let now = 0;
  const b = new ImagePullBackoff(() => now);
  assert.equal(b.inBackoff('uid_img'), false);
  b.failed('uid_img');
  now = 9_999;
  assert.equal(b.inBackoff('uid_img'), true);
  now = 10_000;
  assert.equal(b.inBackoff('uid_img'), false);
  b.failed('uid_img');
  now = 29_999;
  assert.equal(b.inBackoff('uid_img'), true);
  now = 30_000;
  assert.equal(b.inBackoff('uid_img'), false);
  assert.equal(b.inBackoff('other_img'), false);
  now = 10_000 + 601_000;
  b.failed('uid_img');
  now += 10_000;
  assert.equal(b.inBackoff('uid_img'), false, 'the delay starts again at 10 s after the entry expired');
});
