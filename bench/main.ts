import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO } from '../test/integration/support/podlet-process.js';
import { apiFigures } from './api.js';
import { daemonFigures } from './daemon.js';
import { imagePull } from './image-pull.js';
import { kubeletFigures } from './kubelet.js';
import { streamFigures } from './streams.js';
import { podStartup, POLL_MS } from './pod-startup.js';
import { formatFigures } from './stats.js';

// `npm run bench`: figures measured against a peer in the same run, printed as ratios. Never fails on timing.
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 20;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const figures = [
  await podStartup(runs, log),
  ...(await kubeletFigures(runs, log)),
  ...(await daemonFigures(Math.max(3, Math.round(runs / 2)), log)),
  ...(await streamFigures(runs, log)),
  ...(await imagePull(Math.max(3, Math.round(runs / 4)), log)),
  ...(await apiFigures(runs, log)),
];
console.log(`\npodlet benchmark, ${runs} runs per figure (podlet state polled every ${POLL_MS} ms)\n`);
console.log(formatFigures(figures));
const results = join(REPO, 'bench', 'results');
await mkdir(results, { recursive: true });
const file = join(results, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), runs, figures }, null, 2) + '\n');
console.log(`\nresults: ${file}`);
