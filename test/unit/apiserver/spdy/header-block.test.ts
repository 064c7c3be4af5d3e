import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  HeaderCodec,
} from '../../../../src/apiserver/spdy/header-block.js';

describe('SPDY header blocks', () => {
  test('names are lower-cased and values kept, NUL separators included', () => {
    const block = encodeHeaderBlock({ streamType: 'error', port: '8080', multi: 'a\0b' });
    assert.deepEqual(decodeHeaderBlock(block), { streamtype: 'error', port: '8080', multi: 'a\0b' });
  });

  test('a truncated block is a protocol error', () => {
    const block = encodeHeaderBlock({ a: 'b' });
    assert.throws(() => decodeHeaderBlock(block.subarray(0, block.length - 1)), /truncated header block/);
  });

  test('blocks of several frames share one zlib context per direction, each flushed on its own', async () => {
    const client = new HeaderCodec();
    const server = new HeaderCodec();
    try {
      const sent = [
        { streamtype: 'error', port: '8080', requestid: '0' },
        { streamtype: 'data', port: '8080', requestid: '0' },
        {},
        { streamtype: 'data', port: '9090', requestid: '1', big: 'x'.repeat(100_000) },
      ];
      const blocks = await Promise.all(sent.map((h) => client.compress(h)));
      // The second identical-looking block is smaller: it refers back into the shared window.
      assert.ok(blocks[1]!.length < blocks[0]!.length);
      for (const [i, block] of blocks.entries()) assert.deepEqual(await server.decompress(block), sent[i]);
    } finally {
      client.close();
      server.close();
    }
  });

  test('a block out of order does not inflate', async () => {
    const client = new HeaderCodec();
    const server = new HeaderCodec();
    try {
      await client.compress({ a: '1' });
      const second = await client.compress({ b: '2' });
      await assert.rejects(server.decompress(second), /header block does not inflate/);
    } finally {
      client.close();
      server.close();
    }
  });
});
