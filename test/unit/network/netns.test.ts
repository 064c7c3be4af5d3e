import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNetns, netnsPath, removeNetns } from '../../../src/network/netns.js';

test('a namespace lives under /run/netns by name', () => {
  assert.equal(netnsPath('podlet-0123456789ab'), '/run/netns/podlet-0123456789ab');
});

test('names that could escape /run/netns or that ip rejects are refused before running anything', async () => {
  for (const name of ['', '../etc', 'a/b', '.hidden', 'has space']) {
    assert.throws(() => netnsPath(name), /network namespace name/, name);
    await assert.rejects(createNetns(name), /network namespace name/);
    await assert.rejects(removeNetns(name), /network namespace name/);
  }
});
