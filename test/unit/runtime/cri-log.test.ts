import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCriLog, renderLog } from '../../../src/runtime/cri-log.js';

const log = [
  '2026-01-01T00:00:01.5Z stdout F one',
  '2026-01-01T00:00:02.123456789Z stderr P tw',
  '2026-01-01T00:00:02.2Z stderr F o',
  '2026-01-01T00:00:03+00:00 stdout F three',
  'garbage',
  '',
].join('\n');

test('partial lines are joined, streams kept, malformed lines skipped', () => {
  assert.deepEqual(
    parseCriLog(log).map((l) => [l.stream, l.content]),
    [
      ['stdout', 'one'],
      ['stderr', 'two'],
      ['stdout', 'three'],
    ],
  );
});

test('tail, since, timestamps with nine fractional digits, and a byte limit', () => {
  const lines = parseCriLog(log);
  assert.equal(renderLog(lines, {}), 'one\ntwo\nthree\n');
  assert.equal(renderLog(lines, { tailLines: 2 }), 'two\nthree\n');
  assert.equal(renderLog(lines, { since: new Date('2026-01-01T00:00:02.2Z') }), 'two\nthree\n');
  assert.equal(
    renderLog(lines, { tailLines: 1, timestamps: true }),
    '2026-01-01T00:00:03.000000000Z three\n',
  );
  assert.equal(renderLog(lines, { limitBytes: 6 }), 'one\ntw');
});
