import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TooOldResourceVersionError } from '../../../src/store/errors.js';
import type { StoreEvent } from '../../../src/store/types.js';
import { WatchCache } from '../../../src/store/watch-cache.js';

function event(resourceVersion: number): StoreEvent {
  return {
    type: 'MODIFIED',
    object: { metadata: { name: 'x', resourceVersion: String(resourceVersion) } },
    resourceVersion,
  };
}

describe('WatchCache', () => {
  test('replays exactly the kept events after any servable resourceVersion', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 30 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 140 }),
        (capacity, openedAt, offsets, from) => {
          const versions = offsets.sort((a, b) => a - b).map((o) => openedAt + o);
          const cache = new WatchCache(capacity, openedAt);
          for (const v of versions) cache.record('pods', event(v));
          const kept = versions.slice(-capacity);
          const evicted = versions.length > capacity;
          const oldest = evicted ? (kept[0] ?? 0) - 1 : openedAt;
          assert.equal(cache.oldestServable('pods'), oldest);
          if (from < oldest) {
            assert.throws(() => cache.since('pods', from), TooOldResourceVersionError);
          } else {
            assert.deepEqual(
              cache.since('pods', from).map((e) => e.resourceVersion),
              kept.filter((v) => v > from),
            );
          }
        },
      ),
    );
  });

  test('a resource without events is servable from the opening resourceVersion on', () => {
    const cache = new WatchCache(3, 7);
    assert.deepEqual(cache.since('nodes', 7), []);
    assert.throws(() => cache.since('nodes', 6), { message: 'too old resource version: 6 (7)' });
  });

  test('refuses a capacity below one', () => {
    assert.throws(() => new WatchCache(0, 0), RangeError);
  });
});
