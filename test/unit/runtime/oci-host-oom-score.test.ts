import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOomScoreAdjFloor, restrictOomScoreAdj } from '../../../src/runtime/oci/host-oom-score.js';

describe('restrictOomScoreAdj', () => {
  test('raises a value below the floor to the floor and keeps the others', () => {
    assert.equal(restrictOomScoreAdj(-998, 0), 0);
    assert.equal(restrictOomScoreAdj(-997, -500), -500);
    assert.equal(restrictOomScoreAdj(1000, 0), 1000);
    assert.equal(restrictOomScoreAdj(-998, undefined), -998);
  });
});

describe('readOomScoreAdjFloor', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function fakeProc(capEff: string, adj: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'podlet-oom-'));
    dirs.push(dir);
    await writeFile(join(dir, 'status'), `Name:\tnode\nCapEff:\t${capEff}\n`);
    await writeFile(join(dir, 'oom_score_adj'), `${adj}\n`);
    return dir;
  }

  test('is the current value when CAP_SYS_RESOURCE is missing', async () => {
    assert.equal(await readOomScoreAdjFloor(await fakeProc('000001fffeffffff', '-200')), -200);
  });

  test('is none when the process holds CAP_SYS_RESOURCE', async () => {
    assert.equal(await readOomScoreAdjFloor(await fakeProc('000001ffffffffff', '0')), undefined);
  });
});
