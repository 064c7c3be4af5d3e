import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGoDuration } from '../../../src/api/go-duration.js';

test('durations print as Go time.Duration.String prints them', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [0.000001, '1ns'],
    [0.0015, '1.5µs'],
    [1.5, '1.5ms'],
    [523.456789, '523.456789ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [61_000, '1m1s'],
    [123_400, '2m3.4s'],
    [3_600_000, '1h0m0s'],
    [3_723_500, '1h2m3.5s'],
    [-1500, '-1.5s'],
  ];
  for (const [ms, text] of cases) assert.equal(formatGoDuration(ms), text, `${ms} ms`);
});
