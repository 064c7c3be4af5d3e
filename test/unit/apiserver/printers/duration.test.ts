import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ageSince, humanDuration, shortHumanDuration } from '../../../../src/apiserver/printers/index.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [10 * s, '10s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [5 * m + 2 * s, '5m2s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 20 * m, '3h20m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [729 * d, '729d'],
    [2 * y, '2y'],
    [2 * y + 20 * d, '2y20d'],
    [8 * y + 100 * d, '8y'],
  ];
  for (const [ms, expected] of cases) {
    test(`prints ${ms}ms as ${expected}`, () => {
      assert.equal(humanDuration(ms), expected);
    });
  }
});

describe('shortHumanDuration', () => {
  const cases: [number, string][] = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [59 * s, '59s'],
    [90 * s, '1m'],
    [59 * m, '59m'],
    [23 * h + 59 * m, '23h'],
    [364 * d, '364d'],
    [3 * y, '3y'],
  ];
  for (const [ms, expected] of cases) {
    test(`prints ${ms}ms as ${expected}`, () => {
      assert.equal(shortHumanDuration(ms), expected);
    });
  }
});

describe('ageSince', () => {
  const now = new Date('2024-05-01T12:00:00Z');

  test('measures an RFC 3339 timestamp against now', () => {
    assert.equal(ageSince('2024-05-01T11:55:00Z', now), '5m');
  });

  test('prints <unknown> for an absent or zero timestamp', () => {
    assert.equal(ageSince(undefined, now), '<unknown>');
    assert.equal(ageSince('0001-01-01T00:00:00Z', now), '<unknown>');
  });

  test('prints <invalid> for a timestamp well in the future', () => {
    assert.equal(ageSince('2024-05-01T12:00:10Z', now), '<invalid>');
  });
});
