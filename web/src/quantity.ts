// Kubernetes quantities as the metrics API writes them (`12345n`, `5m`, `2Ki`, `1G`), to plain numbers.

const SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity's value (cores for CPU, bytes for memory); NaN for text that is no quantity. */
export function parseQuantity(text: string): number {
  const match = /^([+-]?[\d.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(text.trim());
  const scale = match ? SUFFIXES[match[2] ?? ''] : undefined;
  return match && scale !== undefined ? Number(match[1]) * scale : Number.NaN;
}

/** Bytes for people: 512Ki, 12.5Mi, 1.2Gi. */
export function formatBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)}${units[unit] ?? ''}`;
}

/** CPU for people, in millicores: 0.0123 cores is 12m. */
export function formatCores(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}
