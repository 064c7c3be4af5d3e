import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeXml, niceTicks, renderChart } from '../../../bench/chart.js';
import { absolute, summarize } from '../../../bench/stats.js';

test('axis ticks step by 1, 2 or 5 times a power of ten and reach past the maximum', () => {
  assert.deepEqual(niceTicks(450), [0, 100, 200, 300, 400, 500]);
  assert.deepEqual(niceTicks(9), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0.7), [0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(0), [0, 1]);
});

test('text is escaped for XML', () => {
  assert.equal(escapeXml(`a<b & "c"`), 'a&#60;b &#38; &#34;c&#34;');
});

test('each run of a latency figure is one dot, for podlet and for its peer', () => {
  const startup = summarize(
    'create -> Ready',
    [100, 120, 140, 160],
    'podman <kube> play',
    [300, 320, 340],
    3,
  );
  const svg = renderChart([startup], 'caption & more');
  assert.equal(svg.match(/<circle /g)?.length, 7);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /podman &#60;kube&#62; play/);
  assert.match(svg, /caption &#38; more/);
  assert.doesNotMatch(svg, /NaN|undefined/);
});

test('figures with a single run or no peer are left out of the distributions', () => {
  const svg = renderChart(
    [summarize('50 pods', [7000], 'podman', [18000], 3), absolute('watch', [1, 2, 3, 4], 99, 20)],
    'c',
  );
  assert.equal(svg.match(/<circle /g), null);
});

test('memory per pod is drawn as one bar per part and side, with the totals', () => {
  const memory = {
    ...summarize('memory per pod', [3.5], 'podman', [4], 1, 'MB'),
    parts: { podlet: { conmon: 2, pause: 0.5, daemon: 1 }, peer: { conmon: 3, pause: 1 } },
  };
  const svg = renderChart([memory], 'c');
  assert.equal(svg.match(/<rect [^>]*fill-opacity/g)?.length, 5);
  assert.match(svg, />3\.50 MB</);
  assert.match(svg, />4\.00 MB</);
});

test('the same figures give the same chart', () => {
  const f = summarize('x', [1, 2, 3], 'y', [4, 5, 6], 1);
  assert.equal(renderChart([f], 'c'), renderChart([f], 'c'));
});
