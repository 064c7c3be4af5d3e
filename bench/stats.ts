/** Percentile by nearest rank over a sample (milliseconds); NaN for an empty sample. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Figure {
  name: string;
  podlet: { p50: number; p95: number; p99?: number };
  /** Absent where no peer does the same work (watch latency): the goal is then an absolute one. */
  peer?: { name: string; p50: number; p95: number };
  /** peer p50 / podlet p50: above 1 means podlet is faster. */
  ratio?: number;
  goal: string;
  met: boolean;
  /** What the podlet figures count; milliseconds unless said (`%` of one core). */
  unit?: 'ms' | '%' | 'MB';
}

export function summarize(
  name: string,
  podlet: number[],
  peerName: string,
  peer: number[],
  goalRatio: number,
): Figure {
  const f = (s: number[]) => ({ p50: percentile(s, 50), p95: percentile(s, 95) });
  const ratio = percentile(peer, 50) / percentile(podlet, 50);
  return {
    name,
    podlet: f(podlet),
    peer: { name: peerName, ...f(peer) },
    ratio,
    goal: `p50 >= ${Number(goalRatio.toFixed(2))}x faster than ${peerName}`,
    met: ratio >= goalRatio,
  };
}

/** A figure without a peer: percentile `p` of the sample against a bound in milliseconds. */
export function absolute(
  name: string,
  podlet: number[],
  p: 50 | 99,
  bound: number,
  unit: 'ms' | '%' | 'MB' = 'ms',
): Figure {
  const value = percentile(podlet, p);
  return {
    name,
    podlet: { p50: percentile(podlet, 50), p95: percentile(podlet, 95), p99: percentile(podlet, 99) },
    goal: `p${p} < ${bound} ${unit}`,
    met: value < bound,
    ...(unit === 'ms' ? {} : { unit }),
  };
}

export function formatFigures(figures: readonly Figure[]): string {
  const show = (v: number | undefined, unit = 'ms') =>
    v === undefined ? '-' : v < 10 ? `${v.toFixed(1)} ${unit}` : `${v.toFixed(0)} ${unit}`;
  const rows = figures.map((f) => [
    f.name, show(f.podlet.p50, f.unit), show(f.podlet.p95, f.unit), show(f.podlet.p99, f.unit),
    show(f.peer?.p50), show(f.peer?.p95),
    f.ratio === undefined ? '-' : `${f.ratio.toFixed(2)}x`, f.goal, f.met ? 'yes' : 'no',
  ]); // prettier-ignore
  const header = [
    'figure',
    'podlet p50',
    'podlet p95',
    'podlet p99',
    'peer p50',
    'peer p95',
    'ratio (peer/podlet)',
    'goal',
    'met?',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
