// `npm run bench`: every figure of issue 9 for podlet and its peer in the same run, one table with each goal and
// whether it is met, bench/results/<date>.json (with the table in Markdown, for docs/performance.md), and the chart
// docs/images/bench.svg. Never fails on timing. `--runs N` scales the repeated figures (default 10, which fits in
// 15 minutes with set-up on two cores); `--only a,b` runs only those sections.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO } from '../test/integration/support/podlet-process.js';
import { apiFigures } from './api.js';
import { renderChart } from './chart.js';
import { daemonFigures } from './daemon.js';
import { imagePull } from './image-pull.js';
import { kubeletFigures } from './kubelet.js';
import { streamFigures } from './streams.js';
import { podStartup, POLL_MS } from './pod-startup.js';
import { formatFigures, formatMarkdown, type Figure } from './stats.js';

type Section = (runs: number, log: (line: string) => void) => Promise<Figure[]>;

/** In the order they run; the cheap, repeated figures scale with `--runs`, the heavy ones run fewer times. */
const SECTIONS: Record<string, Section> = {
  startup: async (runs, log) => [await podStartup(runs, log)],
  kubelet: kubeletFigures,
  daemon: (runs, log) => daemonFigures(Math.max(3, Math.round(runs / 3)), log),
  streams: streamFigures,
  pull: (runs, log) => imagePull(Math.max(3, Math.round(runs / 4)), log),
  api: apiFigures,
};

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const runs = Number(flag('--runs') ?? 10);
const only = flag('--only')?.split(',') ?? Object.keys(SECTIONS);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const began = performance.now();
const figures: Figure[] = [];
for (const [name, section] of Object.entries(SECTIONS)) {
  if (!only.includes(name)) continue;
  const start = performance.now();
  figures.push(...(await section(runs, log)));
  log(`bench: ${name} took ${((performance.now() - start) / 1000).toFixed(0)} s`);
}
const minutes = (performance.now() - began) / 60_000;
const date = new Date().toISOString();
const caption = `${date.slice(0, 10)}, ${runs} runs per repeated figure, ${minutes.toFixed(1)} min; a noisy 2-core machine: read the ratios`;
process.stdout.write(`\npodlet benchmark: ${caption} (podlet state polled every ${POLL_MS} ms)\n\n`);
process.stdout.write(`${formatFigures(figures)}\n`);
const results = join(REPO, 'bench', 'results');
await mkdir(results, { recursive: true });
const file = join(results, `${date.replace(/[:.]/g, '-')}.json`);
const markdown = formatMarkdown(figures);
await writeFile(file, JSON.stringify({ date, runs, minutes, caption, markdown, figures }, null, 2) + '\n');
const chart = join(REPO, 'docs', 'images', 'bench.svg');
await writeFile(chart, renderChart(figures, caption));
process.stdout.write(`\nresults: ${file}, chart: ${chart}\n`);
