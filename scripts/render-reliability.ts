// Renders the figures recorded by `npm run test:chaos` (one JSON line per scenario) as docs/reliability.md's table.
import { readFile, writeFile } from 'node:fs/promises';

interface Recorded {
  scenario: string;
  description: string;
  figures: Record<string, number | string | boolean>;
  at: string;
  full: boolean;
}

const [input, output] = process.argv.slice(2);
if (input === undefined || output === undefined) {
  process.stderr.write('usage: render-reliability <figures.jsonl> <reliability.md>\n');
  process.exit(2);
}
const rows = new Map<string, Recorded>();
for (const line of (await readFile(input, 'utf8')).split('\n')) {
  if (line.trim() === '') continue;
  const recorded = JSON.parse(line) as Recorded;
  rows.set(recorded.scenario, recorded);
}
const cell = (text: string): string => text.replace(/\|/g, '\\|');
const figures = (r: Recorded): string =>
  Object.entries(r.figures)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(', ');
const table = [
  '| scenario | what was done | figures from the last run | run |',
  '| --- | --- | --- | --- |',
  ...[...rows.values()]
    .sort((a, b) => a.scenario.localeCompare(b.scenario))
    .map(
      (r) =>
        `| ${r.scenario} | ${cell(r.description)} | ${cell(figures(r))} | ${r.full ? 'full' : 'fast'} ${r.at.slice(0, 10)} |`,
    ),
];
const text = await readFile(output, 'utf8').catch(() => '');
const begin = '<!-- chaos:begin -->';
const end = '<!-- chaos:end -->';
const start = text.indexOf(begin);
const stop = text.indexOf(end);
if (start < 0 || stop < start) {
  process.stderr.write(`render-reliability: ${output} has no ${begin} ... ${end} section\n`);
  process.exit(1);
}
await writeFile(output, `${text.slice(0, start + begin.length)}\n${table.join('\n')}\n${text.slice(stop)}`);
process.stdout.write(`${rows.size} scenarios written to ${output}\n`);
