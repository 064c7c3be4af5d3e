import { Option } from 'commander';

export const DEFAULT_DATA_DIR = '/var/lib/podlet';

export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'podlet state directory').default(DEFAULT_DATA_DIR);
}

export function jsonOption(): Option {
  return new Option('--json', 'print JSON for scripts instead of a table');
}

/** Prints rows as an aligned table (like kubectl) for people. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  process.stdout.write([line(headers), ...rows.map(line)].join('\n') + '\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Every command fails the same way: one line naming the cause, exit code 1. */
export function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`podlet: ${message.split('\n')[0]}\n`);
  process.exit(1);
}

/** Human age like kubectl's (5s, 3m, 2h, 4d). */
export function age(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
