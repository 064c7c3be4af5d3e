import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { terminalSizeDecoder } from '../../../src/apiserver/remote-command-messages.js';
import type { TerminalSize } from '../../../src/runtime/tty-exec.js';

function decodeAll(chunks: string[]): TerminalSize[] {
  const sizes: TerminalSize[] = [];
  const decode = terminalSizeDecoder((size) => sizes.push(size));
  for (const chunk of chunks) decode(Buffer.from(chunk));
  return sizes;
}

describe('terminal size messages', () => {
  test('reads one size per WebSocket message, with or without the encoder newline', () => {
    assert.deepEqual(decodeAll(['{"Width":80,"Height":24}\n', '{"Width":100,"Height":30}']), [
      { width: 80, height: 24 },
      { width: 100, height: 30 },
    ]);
  });

  test('reads sizes that arrive together or split across chunks of a SPDY stream', () => {
    assert.deepEqual(decodeAll(['{"Width":81,"Height":25}\n{"Wid', 'th":80,"Height":24}\n']), [
      { width: 81, height: 25 },
      { width: 80, height: 24 },
    ]);
  });

  test('skips a message that is not a size and goes on with the next', () => {
    assert.deepEqual(decodeAll(['{"Width":"wide"}\n', 'nonsense}', '{"Width":1,"Height":2}']), [
      { width: 1, height: 2 },
    ]);
  });
});
