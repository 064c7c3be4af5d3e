import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  callTree, frameName, renderFlameGraph, sliceProfile, topCallers, topSelfFrames, type CpuProfile,
} from '../../../bench/flamegraph.js'; // prettier-ignore

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber: id },
  children,
});

/** root -> main (src) -> spawn (node internal); root -> idle. 1 ms per sample: 3 in spawn, 1 in main, 4 idle. */
const PROFILE: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 4]),
    frame(2, 'startContainer', 'file:///repo/dist/src/runtime/container.js', [3]),
    frame(3, 'ChildProcess.spawn', 'node:internal/child_process'),
    frame(4, '(idle)', ''),
  ],
  startTime: 1_000_000,
  samples: [3, 3, 2, 4, 4, 3, 4, 4],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

test('frames are named by function, file from the repo root and line', () => {
  assert.equal(frameName(PROFILE.nodes[1]!), 'startContainer src/runtime/container.js:3');
  assert.equal(
    frameName(frame(9, '', 'file:///x/node_modules/better-sqlite3/lib/a.js')),
    '(anonymous) node_modules/better-sqlite3/lib/a.js:10',
  );
  assert.equal(frameName(PROFILE.nodes[0]!), '(root)');
});

test('self time is summed per frame, idle left out, as a share of busy time', () => {
  assert.deepEqual(topSelfFrames(PROFILE, 5), [
    { frame: 'ChildProcess.spawn node:internal/child_process:4', selfMs: 3, share: 0.75 },
    { frame: 'startContainer src/runtime/container.js:3', selfMs: 1, share: 0.25 },
    { frame: '(root)', selfMs: 0, share: 0 },
  ]);
});

test('a frame is charged to its nearest caller in src/', () => {
  assert.deepEqual(topCallers(PROFILE, /^ChildProcess\.spawn /, 5), [
    { frame: 'startContainer src/runtime/container.js:3', selfMs: 3, share: 1 },
  ]);
});

test('the call tree counts each node with its callees, without idle time', () => {
  const tree = callTree(PROFILE);
  assert.equal(tree.totalMs, 4);
  assert.equal(tree.children.length, 1);
  assert.equal(tree.children[0]!.totalMs, 4);
  assert.equal(tree.children[0]!.children[0]!.totalMs, 3);
});

test('a slice keeps the samples taken inside the window', () => {
  const slice = sliceProfile(PROFILE, 1_002_000, 1_004_000);
  assert.deepEqual(slice.samples, [3, 2, 4]);
  assert.equal(topSelfFrames(slice, 1)[0]!.selfMs, 1);
});

test('the flame graph draws one box per frame wide enough to see, with its time', () => {
  const svg = renderFlameGraph(PROFILE, 'fifty <pods>');
  assert.equal(svg.match(/<rect x=/g)?.length, 3);
  assert.match(svg, /<title>ChildProcess\.spawn node:internal\/child_process:4 \(3 ms, 75\.0 %\)<\/title>/);
  assert.match(svg, /fifty &#60;pods&#62;/);
});
