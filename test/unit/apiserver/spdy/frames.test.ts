import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../../../src/apiserver/spdy/dictionary.js';
import {
  encodeDataHeader,
  encodeFrame,
  FrameParser,
  SpdyProtocolError,
  type Frame,
} from '../../../../src/apiserver/spdy/frames.js';

const frames: Frame[] = [
  { type: 'data', streamId: 1, fin: false, data: Buffer.from('hello') },
  { type: 'data', streamId: 0x7fffffff, fin: true, data: Buffer.alloc(0) },
  {
    type: 'syn_stream',
    streamId: 3,
    associatedId: 1,
    priority: 7,
    slot: 0,
    fin: true,
    unidirectional: true,
    headerBlock: Buffer.from([1, 2, 3]),
  },
  { type: 'syn_reply', streamId: 3, fin: true, headerBlock: Buffer.from([9]) },
  { type: 'rst_stream', streamId: 5, status: 5 },
  {
    type: 'settings',
    clear: true,
    entries: [
      { id: 7, flags: 1, value: 1 << 20 },
      { id: 4, flags: 0, value: 100 },
    ],
  },
  { type: 'ping', id: 0xfffffffe },
  { type: 'goaway', lastGoodStreamId: 9, status: 1 },
  { type: 'headers', streamId: 7, fin: false, headerBlock: Buffer.from('abc') },
  { type: 'window_update', streamId: 0, delta: 0x7fffffff },
];

describe('SPDY/3.1 frames', () => {
  for (const frame of frames) {
    test(`a ${frame.type} frame decodes to what was encoded`, () => {
      assert.deepEqual(new FrameParser().push(encodeFrame(frame)), [frame]);
    });
  }

  test('frames split at any byte come out whole and in order', () => {
    const wire = Buffer.concat(frames.map(encodeFrame));
    const parser = new FrameParser();
    const out: Frame[] = [];
    for (let i = 0; i < wire.length; i += 3) out.push(...parser.push(wire.subarray(i, i + 3)));
    assert.deepEqual(out, frames);
  });

  test('a DATA frame of 3 MiB that arrives in 1000-byte pieces comes out whole, with the frames around it', () => {
    const big: Frame = { type: 'data', streamId: 3, fin: true, data: Buffer.alloc(3 * 1024 * 1024, 7) };
    const ping: Frame = { type: 'ping', id: 1 };
    const wire = Buffer.concat([encodeFrame(ping), encodeFrame(big), encodeFrame(ping)]);
    const parser = new FrameParser();
    const out: Frame[] = [];
    for (let i = 0; i < wire.length; i += 1000) out.push(...parser.push(wire.subarray(i, i + 1000)));
    assert.deepEqual(out, [ping, big, ping]);
  });

  test('a DATA header written apart from its payload makes the same bytes as the whole frame', () => {
    const data = Buffer.from('payload');
    assert.deepEqual(
      Buffer.concat([encodeDataHeader(5, true, data.length), data]),
      encodeFrame({ type: 'data', streamId: 5, fin: true, data }),
    );
  });

  test('a control frame starts with the version-3 control bit and type, as kubectl sends it', () => {
    const syn = encodeFrame({ ...(frames[2] as Frame & { type: 'syn_stream' }), fin: false });
    assert.deepEqual([...syn.subarray(0, 4)], [0x80, 0x03, 0x00, 0x01]);
  });

  test('unknown control frame types are skipped and other versions refused', () => {
    const unknown = Buffer.from([0x80, 0x03, 0x00, 0x05, 0, 0, 0, 0]);
    const ping = encodeFrame({ type: 'ping', id: 1 });
    assert.deepEqual(new FrameParser().push(Buffer.concat([unknown, ping])), [{ type: 'ping', id: 1 }]);
    assert.throws(
      () => new FrameParser().push(Buffer.from([0x80, 0x02, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1])),
      SpdyProtocolError,
    );
  });

  test('the header dictionary is the SPDY/3 one: 1423 bytes with the Adler-32 zlib names it by', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    // Bytes 2..5 of a zlib stream primed with a dictionary are the dictionary's Adler-32 (RFC 1950, DICTID).
    const stream = deflateSync(Buffer.from('x'), { dictionary: SPDY3_DICTIONARY });
    assert.equal(stream.readUInt32BE(2), 0xe3c6a7c2);
  });
});
