import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pullProgressDisplay } from '../../../src/cli/pull-progress.js';
import type { BlobProgress, PullProgress } from '../../../src/image/registry/pull.js';

const LAYER = `sha256:${'ab'.repeat(32)}`;

function progress(phase: PullProgress['phase'], blob?: Partial<BlobProgress>): PullProgress {
  const blobs =
    blob === undefined
      ? []
      : [
          {
            digest: LAYER,
            kind: 'layer' as const,
            size: 2000,
            downloaded: 0,
            status: 'waiting' as const,
            ...blob,
          },
        ];
  return {
    reference: 'r.io/app:v1',
    phase,
    blobs,
    totalBytes: 2000,
    doneBytes: blobs.reduce((sum, b) => sum + b.downloaded, 0),
  };
}

function capture(isTTY: boolean): {
  out: { isTTY: boolean; write: (t: string) => void };
  text: () => string;
} {
  let written = '';
  return { out: { isTTY, write: (t) => (written += t) }, text: () => written };
}

describe('pullProgressDisplay', () => {
  test('writes one plain line per state change when the output is not a terminal', () => {
    const { out, text } = capture(false);
    const show = pullProgressDisplay(out);
    show(progress('resolving'));
    show(progress('downloading', {}));
    show(progress('downloading', { status: 'downloading', downloaded: 10 }));
    show(progress('downloading', { status: 'downloading', downloaded: 900 }));
    show(progress('downloading', { status: 'done', downloaded: 2000 }));
    show(progress('unpacking', { status: 'done', downloaded: 2000 }));
    assert.equal(
      text(),
      [
        'r.io/app:v1: resolving',
        'layer abababababab: downloading 2kB',
        'layer abababababab: downloaded 2kB',
        'r.io/app:v1: unpacking layers',
        '',
      ].join('\n'),
    );
  });

  test('redraws its lines in place on a terminal', () => {
    const { out, text } = capture(true);
    const show = pullProgressDisplay(out);
    show(progress('downloading', {}));
    show(progress('downloading', { status: 'downloading', downloaded: 1000 }));
    const frames = text().split('\x1b[2A');
    assert.equal(frames.length, 2);
    assert.match(
      frames[1] ?? '',
      /layer abababababab: downloading 1kB\/2kB\n\x1b\[2Kdownloading 1kB\/2kB\n$/,
    );
  });
});
