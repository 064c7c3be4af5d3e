import assert from 'node:assert/strict';
import { test } from 'node:test';
import { absolute, formatFigures, percentile, summarize } from '../../../bench/stats.js';

test('percentiles use the nearest rank', () => {
  const sample = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.equal(percentile(sample, 50), 5);
  assert.equal(percentile(sample, 95), 10);
  assert.equal(percentile([42], 95), 42);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('a figure compares medians as peer over podlet and says whether the goal is met', () => {
  const f = summarize('startup', [100, 110, 120], 'podman', [330, 300, 360], 3);
  assert.equal(f.ratio, 3);
  assert.equal(f.met, true);
  assert.equal(summarize('startup', [200], 'podman', [300], 3).met, false);
  assert.match(formatFigures([f]), /startup\s+110 ms\s+120 ms\s+-\s+330 ms\s+360 ms\s+3\.00x/);
});

test('a figure without a peer is judged on its own percentile against a bound', () => {
  const f = absolute('watch', [1, 2, 3, 4, 30], 99, 20);
  assert.equal(f.met, false);
  assert.equal(f.peer, undefined);
  assert.equal(absolute('watch', [1, 2, 3], 99, 20).met, true);
  assert.match(formatFigures([f]), /watch\s+3\.0 ms\s+30 ms\s+30 ms\s+-\s+-\s+-\s+p99 < 20 ms\s+no/);
});
