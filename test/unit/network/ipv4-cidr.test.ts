import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NetworkConfigError } from '../../../src/network/errors.js';
import {
  cidrContains,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  parseIpv4,
  parseIpv4Cidr,
  parsePodCidr,
} from '../../../src/network/ipv4-cidr.js';

test('parses and formats dotted-quad addresses, rejecting malformed ones', () => {
  assert.equal(parseIpv4('10.85.0.1'), 0x0a550001);
  assert.equal(formatIpv4(0xffffffff), '255.255.255.255');
  for (const bad of ['10.85.0', '10.85.0.256', '10.85.0.1.2', 'a.b.c.d', '', '1.2.3.-4'])
    assert.equal(parseIpv4(bad), undefined, bad);
});

test('formatting then parsing any address gives it back', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIpv4(formatIpv4(n)) === n));
});

test('a CIDR keeps only its network bits; an address alone is a /32', () => {
  assert.deepEqual(parseIpv4Cidr('10.85.0.7/24'), { network: 0x0a550000, prefix: 24 });
  assert.deepEqual(parseIpv4Cidr('192.0.2.1'), { network: 0xc0000201, prefix: 32 });
  assert.equal(formatCidr(parseIpv4Cidr('0.0.0.0/0')!), '0.0.0.0/0');
  for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/x', '10.0.0.0/8/8', 'fd00::/64'])
    assert.equal(parseIpv4Cidr(bad), undefined, bad);
});

test('overlap is symmetric and means one range contains the other', () => {
  const c = (s: string) => parseIpv4Cidr(s)!;
  assert.ok(cidrsOverlap(c('10.0.0.0/8'), c('10.85.0.0/24')));
  assert.ok(cidrsOverlap(c('10.85.0.0/24'), c('10.0.0.0/8')));
  assert.ok(cidrsOverlap(c('10.85.0.0/24'), c('10.85.0.9')));
  assert.ok(!cidrsOverlap(c('10.85.0.0/24'), c('10.85.1.0/24')));
  assert.ok(cidrsOverlap(c('0.0.0.0/0'), c('192.0.2.0/24')));
  assert.ok(cidrContains(c('10.85.0.0/24'), parseIpv4('10.85.0.255')!));
  assert.ok(!cidrContains(c('10.85.0.0/24'), parseIpv4('10.85.1.0')!));
});

test('a pod CIDR must be canonical IPv4 of at most /30, with a clear error', () => {
  assert.deepEqual(parsePodCidr('10.85.0.0/24'), { network: 0x0a550000, prefix: 24 });
  assert.throws(
    () => parsePodCidr('10.85.0.0'),
    new NetworkConfigError('pod CIDR "10.85.0.0" is not an IPv4 CIDR like 10.85.0.0/24'),
  );
  assert.throws(() => parsePodCidr('fd00::/64'), /is not an IPv4 CIDR/);
  assert.throws(() => parsePodCidr('10.85.0.1/24'), /has host bits set; did you mean 10\.85\.0\.0\/24\?/);
  assert.throws(() => parsePodCidr('10.85.0.0/31'), /too small/);
  assert.doesNotThrow(() => parsePodCidr('10.85.0.0/30'));
});
