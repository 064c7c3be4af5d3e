import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import dnsPacket, { type Answer } from 'dns-packet';
import { decodeQuery, encodeResponse, formatErrorFor, udpLimit } from '../../../src/dns/messages.js';

function query(withEdns?: number) {
  const raw = dnsPacket.encode({
    type: 'query',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'A', name: 'web.default.svc.cluster.local' }],
    additionals:
      withEdns === undefined
        ? []
        : [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: withEdns,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ],
  });
  const decoded = decodeQuery(raw);
  assert.ok(decoded);
  return decoded;
}

const manyAddresses: Answer[] = Array.from({ length: 60 }, (_, i) => ({
  type: 'A',
  name: 'web.default.svc.cluster.local',
  ttl: 5,
  data: `10.85.0.${i + 2}`,
}));
const content = (answers: Answer[]) => ({
  rcode: 'NOERROR' as const,
  authoritative: true,
  answers,
  authorities: [],
  additionals: [],
});

describe('cluster DNS messages', () => {
  test('a response echoes ID, question and RD, and sets QR, AA and RA', () => {
    const out = dnsPacket.decode(encodeResponse(query(), content(manyAddresses.slice(0, 1)), 512));
    assert.equal(out.id, 4242);
    assert.deepEqual(
      [out.flag_qr, out.flag_aa, out.flag_rd, out.flag_ra, out.flag_tc],
      [true, true, true, true, false],
    );
    assert.equal(out.questions?.[0]?.name, 'web.default.svc.cluster.local');
  });

  test('over UDP without EDNS an answer past 512 bytes is cut to fit and flagged truncated', () => {
    const q = query();
    assert.equal(udpLimit(q), 512);
    const bytes = encodeResponse(q, content(manyAddresses), udpLimit(q));
    assert.ok(bytes.length <= 512);
    const out = dnsPacket.decode(bytes);
    assert.equal(out.flag_tc, true);
    assert.ok((out.answers?.length ?? 0) < manyAddresses.length);
  });

  test('an EDNS client gets up to its advertised size, and an OPT record back', () => {
    const q = query(4096);
    const out = dnsPacket.decode(encodeResponse(q, content(manyAddresses), udpLimit(q)));
    assert.equal(out.flag_tc, false);
    assert.equal(out.answers?.length, manyAddresses.length);
    assert.equal(out.additionals?.[0]?.type, 'OPT');
  });

  test('over TCP nothing is cut', () => {
    const out = dnsPacket.decode(encodeResponse(query(), content(manyAddresses)));
    assert.equal(out.answers?.length, manyAddresses.length);
  });

  test('an undecodable message gets FORMERR with its ID; one shorter than a header gets nothing', () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xff]);
    const header = formatErrorFor(garbage);
    assert.ok(header);
    assert.equal(header.readUInt16BE(0), 0x1234);
    assert.equal(header.readUInt16BE(2) & 0x800f, 0x8001);
    assert.equal(formatErrorFor(Buffer.from([1, 2, 3])), undefined);
  });
});
