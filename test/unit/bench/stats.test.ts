import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  absolute, checkBound, checkRatio, formatFigures, formatMarkdown, percentile, ratioGoal, summarize,
} from '../../../bench/stats.js'; // prettier-ignore

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
  assert.equal(f.missedBy, undefined);
  assert.deepEqual(f.samples, { podlet: [100, 110, 120], peer: [330, 300, 360] });
  assert.match(formatFigures([f]), /startup\s+110 ms\s+120 ms\s+-\s+podman\s+330 ms\s+360 ms\s+3\.00x/);
});

test('a missed ratio says how many times short it is', () => {
  const f = summarize('startup', [200], 'podman', [300], 3);
  assert.equal(f.met, false);
  assert.equal(f.missedBy, '2.00x short');
  assert.match(formatFigures([f]), /no, 2\.00x short$/);
});

test('ratio goals read as the issue words them', () => {
  assert.equal(ratioGoal(3, 'podman kube play', 'ms'), 'p50 >= 3x faster than podman kube play');
  assert.equal(ratioGoal(1 / 1.5, 'podman exec', 'ms'), 'p50 within 1.5x of podman exec');
  assert.equal(ratioGoal(1, 'podman', 'MB'), "<= podman's");
  assert.deepEqual(checkRatio(0.5, 1), { met: false, missedBy: '2.00x short' });
  assert.deepEqual(checkRatio(1, 1), { met: true });
});

test('a figure without a peer is judged on its own percentile against a bound', () => {
  const f = absolute('watch', [1, 2, 3, 4, 30], 99, 20);
  assert.equal(f.met, false);
  assert.equal(f.peer, undefined);
  assert.equal(f.missedBy, '+10 ms (50 %)');
  assert.equal(absolute('watch', [1, 2, 3], 99, 20).met, true);
  assert.match(formatFigures([f]), /watch\s+3\.0 ms\s+30 ms\s+30 ms\s+-\s+-\s+-\s+-\s+p99 < 20 ms\s+no/);
});

test('an inclusive bound is met by a value equal to it, a strict one is not', () => {
  assert.equal(absolute('rss', [120], 50, 120, 'MB', true).met, true);
  assert.equal(absolute('rss', [120], 50, 120, 'MB').met, false);
  assert.equal(absolute('rss', [120], 50, 120, 'MB', true).goal, 'p50 <= 120 MB');
  assert.deepEqual(checkBound(150, 120, true, 'MB'), { met: false, missedBy: '+30 MB (25 %)' });
});

test('a single run shows no p95, and the Markdown table escapes pipes', () => {
  const f = summarize('a | b', [7000], 'podman', [18000], 3);
  assert.match(formatFigures([f]), /a \| b\s+7000 ms\s+-\s+-\s+podman\s+18000 ms\s+-\s+2\.57x/);
  const md = formatMarkdown([f]).split('\n');
  assert.equal(md.length, 3);
  assert.match(md[2]!, /^\| a \\\| b \| 7000 ms \| - \|/);
});
