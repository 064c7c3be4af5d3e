// Go's time.Duration.String(), which kubelet messages print (`Successfully pulled image "x" in 1.5s`).

const NS_PER = { us: 1_000, ms: 1_000_000, s: 1_000_000_000 } as const;

/** Formats a duration given in milliseconds (fractions allowed) the way Go prints a time.Duration. */
export function formatGoDuration(ms: number): string {
  let ns = Math.round(ms * 1_000_000);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < NS_PER.us) return `${sign}${ns}ns`;
  if (ns < NS_PER.ms) return `${sign}${fraction(ns, NS_PER.us)}µs`;
  if (ns < NS_PER.s) return `${sign}${fraction(ns, NS_PER.ms)}ms`;
  const hours = Math.floor(ns / (3600 * NS_PER.s));
  ns -= hours * 3600 * NS_PER.s;
  const minutes = Math.floor(ns / (60 * NS_PER.s));
  ns -= minutes * 60 * NS_PER.s;
  const seconds = `${fraction(ns, NS_PER.s)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** `value / unit` with the remainder as decimals, trailing zeros dropped: 1500000 / 1e6 -> "1.5". */
function fraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const rest = value - whole * unit;
  if (rest === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
