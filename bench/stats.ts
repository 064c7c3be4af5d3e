// The figures of `npm run bench`: percentiles of a sample, each figure's goal from issue 9, and whether the
// measurement meets it.

export type Unit = 'ms' | '%' | 'MB';

export interface Figure {
  name: string;
  podlet: { p50: number; p95: number; p99?: number };
  /** Absent where no peer does the same work (watch latency): the goal is then an absolute one. */
  peer?: { name: string; p50: number; p95: number };
  /** peer p50 / podlet p50: above 1 means podlet is faster (or, in MB, smaller). */
  ratio?: number;
  goal: string;
  met: boolean;
  /** Absent when met: how far the measurement is from its goal, in words (`1.6x short`, `+12 MB (10 %)`). */
  missedBy?: string;
  /** What the podlet figures count; milliseconds unless said (`%` of one core). */
  unit?: Unit;
  /** The raw measurements, for the chart and for later reading of the results file. */
  samples?: { podlet: number[]; peer?: number[] };
  /** Where a figure is a sum (memory per pod), its parts, in the figure's unit. */
  parts?: { podlet: Record<string, number>; peer?: Record<string, number> };
}

/** Percentile by nearest rank over a sample; NaN for an empty sample. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Whether `ratio` (peer / podlet) meets the goal, and by how much it falls short if not. */
export function checkRatio(ratio: number, atLeast: number): { met: boolean; missedBy?: string } {
  if (ratio >= atLeast) return { met: true };
  return { met: false, missedBy: `${(atLeast / ratio).toFixed(2)}x short` };
}

/** Whether `value` is within `max`, and by how much it is over if not. */
export function checkBound(
  value: number,
  max: number,
  inclusive: boolean,
  unit: Unit,
): { met: boolean; missedBy?: string } {
  if (inclusive ? value <= max : value < max) return { met: true };
  const over = value - max;
  return { met: false, missedBy: `+${formatValue(over, unit)} (${Math.round((over / max) * 100)} %)` };
}

/** The goal in words: `p50 >= 3x faster than X`, `p50 within 1.5x of X`, `<= X's` for sizes. */
export function ratioGoal(atLeast: number, peerName: string, unit: Unit): string {
  if (unit === 'MB') return atLeast === 1 ? `<= ${peerName}'s` : `<= ${peerName}'s / ${atLeast}`;
  if (atLeast >= 1) return `p50 >= ${Number(atLeast.toFixed(2))}x faster than ${peerName}`;
  return `p50 within ${Number((1 / atLeast).toFixed(2))}x of ${peerName}`;
}

/** A figure against a peer measured in the same run: the ratio of medians must reach `goalRatio`. */
export function summarize(
  name: string,
  podlet: number[],
  peerName: string,
  peer: number[],
  goalRatio: number,
  unit: Unit = 'ms',
): Figure {
  const f = (s: number[]) => ({ p50: percentile(s, 50), p95: percentile(s, 95) });
  const ratio = percentile(peer, 50) / percentile(podlet, 50);
  return {
    name,
    podlet: f(podlet),
    peer: { name: peerName, ...f(peer) },
    ratio,
    goal: ratioGoal(goalRatio, peerName, unit),
    ...checkRatio(ratio, goalRatio),
    ...(unit === 'ms' ? {} : { unit }),
    samples: { podlet, peer },
  };
}

/** A figure without a peer: percentile `p` of the sample against a bound (`<` unless `inclusive`, for `<=`). */
export function absolute(
  name: string,
  podlet: number[],
  p: 50 | 99,
  bound: number,
  unit: Unit = 'ms',
  inclusive = false,
): Figure {
  const value = percentile(podlet, p);
  return {
    name,
    podlet: { p50: percentile(podlet, 50), p95: percentile(podlet, 95), p99: percentile(podlet, 99) },
    goal: `p${p} ${inclusive ? '<=' : '<'} ${bound} ${unit}`,
    ...checkBound(value, bound, inclusive, unit),
    ...(unit === 'ms' ? {} : { unit }),
    samples: { podlet },
  };
}

export function formatValue(v: number | undefined, unit: string = 'ms'): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${unit}`;
}

const HEADER = ['figure', 'podlet p50', 'p95', 'p99', 'peer', 'peer p50', 'p95', 'ratio', 'goal', 'met?'];

/** One row per figure: p95 only where there are several runs, p99 only where the goal is on it. */
function rows(figures: readonly Figure[]): string[][] {
  return figures.map((f) => {
    const many = (f.samples?.podlet.length ?? 2) > 1;
    const peerMany = (f.samples?.peer?.length ?? 2) > 1;
    return [
      f.name,
      formatValue(f.podlet.p50, f.unit),
      many ? formatValue(f.podlet.p95, f.unit) : '-',
      f.goal.startsWith('p99') ? formatValue(f.podlet.p99, f.unit) : '-',
      f.peer?.name ?? '-',
      formatValue(f.peer?.p50, f.unit),
      f.peer && peerMany ? formatValue(f.peer.p95, f.unit) : '-',
      f.ratio === undefined ? '-' : `${f.ratio.toFixed(2)}x`,
      f.goal,
      f.met ? 'yes' : `no, ${f.missedBy ?? 'missed'}`,
    ];
  });
}

/** The table printed by `npm run bench`, as aligned plain text. */
export function formatFigures(figures: readonly Figure[]): string {
  const table = [HEADER, ...rows(figures)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The same table in Markdown, for docs/performance.md. */
export function formatMarkdown(figures: readonly Figure[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...rows(figures).map(line)].join('\n');
}
