// The CRI log format conmon writes (`<RFC3339Nano> <stdout|stderr> <P|F> <content>`), read back as the kubelet
// reads it for `kubectl logs` (pkg/kubelet/kuberuntime/logs/logs.go): partial lines joined, filters applied.

export interface LogLine {
  /** The timestamp as stored. */
  time: string;
  stream: 'stdout' | 'stderr';
  content: string;
}

export interface LogOptions {
  tailLines?: number;
  /** Only lines at or after this time. */
  since?: Date;
  timestamps?: boolean;
  limitBytes?: number;
}

/** Parses whole lines of a CRI log; `P` chunks are joined with the next `F`. Malformed lines are skipped. */
export function parseCriLog(text: string): LogLine[] {
  const out: LogLine[] = [];
  let partial = '';
  for (const raw of text.split('\n')) {
    const first = raw.indexOf(' ');
    const second = raw.indexOf(' ', first + 1);
    const third = raw.indexOf(' ', second + 1);
    if (first < 0 || second < 0) continue;
    const stream = raw.slice(first + 1, second);
    if (stream !== 'stdout' && stream !== 'stderr') continue;
    const tag = third < 0 ? raw.slice(second + 1) : raw.slice(second + 1, third);
    const content = third < 0 ? '' : raw.slice(third + 1);
    if (tag === 'P') {
      partial += content;
      continue;
    }
    out.push({ time: raw.slice(0, first), stream, content: partial + content });
    partial = '';
  }
  return out;
}

/** The lines as `kubectl logs` prints them, after since/tail, with RFC3339Nano timestamps when asked, cut at limitBytes. */
export function renderLog(lines: readonly LogLine[], options: LogOptions): string {
  let selected = options.since
    ? lines.filter((l) => Date.parse(l.time) >= options.since!.getTime())
    : [...lines];
  if (options.tailLines !== undefined && options.tailLines >= 0)
    selected = selected.slice(Math.max(0, selected.length - options.tailLines));
  const text = selected
    .map((l) => `${options.timestamps ? `${nanoTime(l.time)} ` : ''}${l.content}\n`)
    .join('');
  if (options.limitBytes === undefined) return text;
  return Buffer.from(text, 'utf8').subarray(0, options.limitBytes).toString('utf8');
}

/**
 * RFC3339Nano with exactly 9 fractional digits (logs.go timeFormatOut); a zero offset prints as `Z`, as Go's
 * `Z07:00` does (conmon writes `+00:00`).
 */
function nanoTime(time: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) return time;
  const zone = match[3] === '+00:00' || match[3] === '-00:00' ? 'Z' : match[3];
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0').slice(0, 9)}${zone}`;
}
