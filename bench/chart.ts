// The chart of `npm run bench` (docs/images/bench.svg, shown by the README): each latency figure's runs for podlet
// and its peer side by side (every run a dot, the box from p25 to p75, the median a bar), and memory per pod as
// stacked bars. Hand-written SVG: no library, same input gives the same bytes.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, type Figure } from './stats.js';

const WIDTH = 900;
const LABEL = 170;
const PLOT = { left: LABEL + 10, right: WIDTH - 40 };
const ROW = 22;
const COLORS = { podlet: '#2f6fb3', peer: '#d9822b' };
const PART_SHADES = ['1', '0.65', '0.4', '0.25'];

interface Panel {
  height: number;
  draw: (top: number) => string[];
}

/** Tick values from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, at most 6 of them past 0. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power) as number;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Latency figures with several runs on both sides, then memory figures that have parts. */
export function renderChart(figures: readonly Figure[], caption: string): string {
  const panels = [
    ...figures.filter(isDistribution).map(distributionPanel),
    ...figures.filter((f) => f.unit === 'MB' && f.parts?.peer !== undefined).map(memoryPanel),
  ];
  const body: string[] = [];
  let top = 40;
  for (const panel of panels) {
    body.push(...panel.draw(top));
    top += panel.height;
  }
  const height = top + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">podlet beside its peers, same run</text>`,
    `<text x="10" y="32" fill="#555">${escapeXml(caption)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function isDistribution(f: Figure): boolean {
  return (
    (f.unit ?? 'ms') === 'ms' && (f.samples?.podlet.length ?? 0) >= 3 && (f.samples?.peer?.length ?? 0) >= 3
  );
}

function scaleFor(max: number): { x: (v: number) => number; ticks: number[] } {
  const ticks = niceTicks(max);
  const end = ticks.at(-1)!;
  return { x: (v) => PLOT.left + (v / end) * (PLOT.right - PLOT.left), ticks };
}

function title(f: Figure, top: number): string {
  const ratio = f.ratio === undefined ? '' : `, ratio ${f.ratio.toFixed(2)}x`;
  const verdict = f.met ? 'met' : `missed (${f.missedBy ?? ''})`;
  const rest = `${ratio}; goal ${f.goal}: ${verdict}`;
  return `<text x="10" y="${top + 14}"><tspan font-weight="bold">${escapeXml(f.name)}</tspan>${escapeXml(rest)}</text>`;
}

function axis(scale: ReturnType<typeof scaleFor>, y: number, unit: string): string[] {
  return [
    `<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#999"/>`,
    ...scale.ticks.map((t) => {
      const x = scale.x(t).toFixed(1);
      return `<line x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}" stroke="#999"/><text x="${x}" y="${y + 15}" text-anchor="middle" fill="#555">${t} ${unit}</text>`;
    }),
  ];
}

function distributionPanel(f: Figure): Panel {
  const podlet = f.samples!.podlet;
  const peer = f.samples!.peer!;
  const scale = scaleFor(Math.max(...podlet, ...peer));
  const row = (label: string, sample: readonly number[], color: string, y: number): string[] => {
    const [p25, p50, p75] = [25, 50, 75].map((p) => scale.x(percentile(sample, p)));
    return [
      `<text x="${LABEL}" y="${y + 4}" text-anchor="end">${escapeXml(label)}</text>`,
      `<rect x="${p25!.toFixed(1)}" y="${y - 7}" width="${Math.max(1, p75! - p25!).toFixed(1)}" height="14" fill="${color}" fill-opacity="0.15" stroke="${color}"/>`,
      `<line x1="${p50!.toFixed(1)}" y1="${y - 9}" x2="${p50!.toFixed(1)}" y2="${y + 9}" stroke="${color}" stroke-width="3"/>`,
      ...sample.map(
        (v, i) =>
          `<circle cx="${scale.x(v).toFixed(1)}" cy="${(y + jitter(i)).toFixed(1)}" r="2.5" fill="${color}" fill-opacity="0.7"/>`,
      ),
    ];
  };
  return {
    height: 2 * ROW + 52,
    draw: (top) => [
      title(f, top),
      ...row('podlet', podlet, COLORS.podlet, top + 32),
      ...row(f.peer?.name ?? 'peer', peer, COLORS.peer, top + 32 + ROW),
      ...axis(scale, top + 32 + ROW + 14, 'ms'),
    ],
  };
}

/** A spread of dots around their row, the same for the same index so that the chart is reproducible. */
function jitter(i: number): number {
  return (((i * 7919) % 11) - 5) * 1.1;
}

function memoryPanel(f: Figure): Panel {
  const sides = [
    { label: 'podlet', parts: f.parts!.podlet, color: COLORS.podlet },
    { label: f.peer?.name ?? 'peer', parts: f.parts!.peer!, color: COLORS.peer },
  ];
  const total = (parts: Record<string, number>) =>
    Object.values(parts).reduce((a, b) => a + Math.max(0, b), 0);
  const scale = scaleFor(Math.max(...sides.map((s) => total(s.parts))));
  const bar = (side: (typeof sides)[number], y: number): string[] => {
    let x = PLOT.left;
    const out = [`<text x="${LABEL}" y="${y + 4}" text-anchor="end">${escapeXml(side.label)}</text>`];
    Object.entries(side.parts).forEach(([name, mb], i) => {
      const w = scale.x(Math.max(0, mb)) - PLOT.left;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y - 8}" width="${w.toFixed(1)}" height="16" fill="${side.color}" fill-opacity="${PART_SHADES[i % PART_SHADES.length]}"><title>${escapeXml(`${name} ${mb.toFixed(2)} MB`)}</title></rect>`,
      );
      if (w > 60)
        out.push(
          `<text x="${(x + 4).toFixed(1)}" y="${y + 4}" fill="#111">${escapeXml(`${name} ${mb.toFixed(1)}`)}</text>`,
        );
      x += w;
    });
    out.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 4}">${total(side.parts).toFixed(2)} MB</text>`);
    return out;
  };
  return {
    height: 2 * ROW + 52,
    draw: (top) => [
      title(f, top),
      ...bar(sides[0]!, top + 32),
      ...bar(sides[1]!, top + 32 + ROW),
      ...axis(scale, top + 32 + ROW + 14, 'MB'),
    ],
  };
}

// `node dist/bench/chart.js bench/results/<date>.json`: the chart drawn again from a results file.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: chart.js bench/results/<date>.json');
  const results = JSON.parse(await readFile(file, 'utf8')) as { caption: string; figures: Figure[] };
  const out = join(import.meta.dirname, '..', '..', 'docs', 'images', 'bench.svg');
  await writeFile(out, renderChart(results.figures, results.caption));
}
