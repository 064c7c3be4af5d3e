// Human-readable ages, as k8s.io/apimachinery/pkg/util/duration (HumanDuration, ShortHumanDuration) and the
// translateTimestampSince helper of pkg/printers/internalversion/printers.go.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * HumanDuration: about two significant figures (`90s`, `5m2s`, `3h`, `2d3h`, `1y20d`). Go truncates every unit
 * towards zero; a clock skew of up to 2s in the future reads as `0s`, beyond it as `<invalid>`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) return withRemainder(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) return withRemainder(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRemainder(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return withRemainder(years, 'y', days % 365, 'd');
  return `${years}y`;
}

/** ShortHumanDuration: one unit only (`59s`, `5m`, `3h`, `2d`, `1y`). */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/**
 * translateTimestampSince: the age of an RFC 3339 timestamp at `now`, `<unknown>` when the timestamp is absent
 * (Go's zero time) or unparsable.
 */
export function ageSince(timestamp: string | undefined, now: Date): string {
  const at = parseTimestamp(timestamp);
  return at === undefined ? '<unknown>' : humanDuration(now.getTime() - at);
}

/** Milliseconds since the epoch, or undefined for an absent, zero (`0001-01-01T00:00:00Z`) or unparsable time. */
export function parseTimestamp(timestamp: string | undefined): number | undefined {
  if (timestamp === undefined || timestamp === '') return undefined;
  const at = Date.parse(timestamp);
  if (Number.isNaN(at) || at <= ZERO_TIME) return undefined;
  return at;
}

const ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

function withRemainder(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major}${majorUnit}` : `${major}${majorUnit}${minor}${minorUnit}`;
}
