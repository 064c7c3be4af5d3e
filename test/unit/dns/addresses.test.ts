import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addressFromReverse, canonicalIp, dashedIp, reverseName } from '../../../src/dns/addresses.js';

describe('cluster DNS addresses', () => {
  test('an IPv4 address and its in-addr.arpa name convert both ways', () => {
    assert.equal(reverseName('10.96.0.10'), '10.0.96.10.in-addr.arpa');
    fc.assert(fc.property(fc.ipV4(), (ip) => assert.equal(addressFromReverse(reverseName(ip)), ip)));
  });

  test('an IPv6 address and its ip6.arpa nibbles convert both ways, in canonical form', () => {
    assert.equal(
      reverseName('fd00::1'),
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa',
    );
    fc.assert(
      fc.property(fc.ipV6(), (ip) => assert.equal(addressFromReverse(reverseName(ip)), canonicalIp(ip))),
    );
  });

  test('partial or malformed reverse names stand for no address', () => {
    for (const name of [
      '0.96.10.in-addr.arpa',
      '300.0.96.10.in-addr.arpa',
      '01.0.96.10.in-addr.arpa',
      'd.f.ip6.arpa',
    ])
      assert.equal(addressFromReverse(name), undefined, name);
  });

  test('an address without a hostname becomes a DNS label with dashes', () => {
    assert.equal(dashedIp('10.85.0.8'), '10-85-0-8');
    assert.equal(dashedIp('fd00::'), 'fd00--0');
    assert.equal(dashedIp('::1'), '0--1');
  });
});
