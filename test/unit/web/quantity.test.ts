import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBytes, formatCores, parseQuantity } from '../../../web/src/quantity.js';

describe('quantities in the dashboard', () => {
  test('reads the suffixes the metrics API writes', () => {
    assert.equal(parseQuantity('2500000n'), 0.0025);
    assert.equal(parseQuantity('250m'), 0.25);
    assert.equal(parseQuantity('2'), 2);
    assert.equal(parseQuantity('744Ki'), 744 * 1024);
    assert.equal(parseQuantity('1Gi'), 2 ** 30);
    assert.equal(parseQuantity('1G'), 1e9);
    assert.equal(parseQuantity('1.5e3'), 1500);
  });

  test('gives NaN for text that is no quantity', () => {
    assert.ok(Number.isNaN(parseQuantity('lots')));
    assert.ok(Number.isNaN(parseQuantity('1Xi')));
  });

  test('writes bytes and cores for people', () => {
    assert.equal(formatBytes(512), '512');
    assert.equal(formatBytes(744 * 1024), '744Ki');
    assert.equal(formatBytes(1.5 * 2 ** 20), '1.5Mi');
    assert.equal(formatCores(0.0123), '12m');
  });
});
