import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AllocationError,
  claimNodePort,
  nextNodePort,
  ServiceCidrError,
  ServiceIPRange,
} from '../../../src/api/service-ip-range.js';

describe('the service IP range', () => {
  const range = ServiceIPRange.parse('10.86.0.0/24');

  test('holds the addresses between the network and broadcast addresses', () => {
    assert.equal(range.size, 254);
    assert.equal(range.offsetOf('10.86.0.0'), undefined);
    assert.equal(range.offsetOf('10.86.0.1'), 1);
    assert.equal(range.offsetOf('10.86.0.254'), 254);
    assert.equal(range.offsetOf('10.86.0.255'), undefined);
    assert.equal(range.offsetOf('10.86.1.1'), undefined);
    assert.equal(range.first(), '10.86.0.1');
  });

  test('normalises a CIDR written with host bits and refuses one that is not IPv4', () => {
    assert.equal(ServiceIPRange.parse('10.86.0.7/24').cidr, '10.86.0.0/24');
    assert.throws(() => ServiceIPRange.parse('fd00::/64'), ServiceCidrError);
    assert.throws(() => ServiceIPRange.parse('10.86.0.0'), ServiceCidrError);
  });

  test('words a refused request as the ipallocator does', () => {
    assert.throws(
      () => range.claim('10.1.2.3', new Set()),
      new AllocationError(
        'the provided IP (10.1.2.3) is not in the valid range. The range of valid IPs is 10.86.0.0/24',
      ),
    );
    assert.throws(() => range.claim('10.86.0.9', new Set(['10.86.0.9'])), /provided IP is already allocated/);
  });

  test('hands out free addresses above the static band first, then the band, then reports a full range', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.9999, noNaN: true }), (r) => {
        const offset = range.offsetOf(range.next(new Set(), () => r)) ?? 0;
        return offset > 16 && offset <= 254;
      }),
    );
    const upper = new Set(Array.from({ length: 254 - 16 }, (_, i) => range.at(i + 17)));
    assert.ok((range.offsetOf(range.next(upper)) ?? 99) <= 16);
    const all = new Set(Array.from({ length: 254 }, (_, i) => range.at(i + 1)));
    assert.throws(() => range.next(all), /range is full/);
  });
});

describe('the node port range', () => {
  test('claims ports in 30000-32767 that nobody holds', () => {
    assert.doesNotThrow(() => claimNodePort(30000, new Set()));
    assert.throws(() => claimNodePort(32768, new Set()), /The range of valid ports is 30000-32767/);
    assert.throws(() => claimNodePort(30080, new Set([30080])), /provided port is already allocated/);
  });

  test('allocates a free port in range', () => {
    const used = new Set([30100]);
    const port = nextNodePort(used, () => 0);
    assert.ok(port >= 30000 && port <= 32767 && !used.has(port));
  });
});
