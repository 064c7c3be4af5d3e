// Parsers for the cgroup files read back: flat keyed files (memory.stat, memory.oom_control, memory.events,
// cpu.stat), single values, and the v1 and v2 spellings of "no limit".

/** Every "key value" line with an integer value. */
export function parseKeyedValues(content: string): Map<string, bigint> {
  const values = new Map<string, bigint>();
  for (const line of content.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value && /^-?[0-9]+$/.test(value)) values.set(key, BigInt(value));
  }
  return values;
}

/** One integer, or "max" (v2, and pids.max on v1) as -1. */
export function parseLimit(content: string): number {
  const value = content.trim();
  return value === 'max' ? -1 : parseInteger(value);
}

/**
 * v1 memory.limit_in_bytes: "no limit" reads back as PAGE_COUNTER_MAX in bytes (9223372036854771712 with 4 KiB
 * pages, a little less with larger pages), so anything from 2^62 up is reported as -1.
 */
export function parseV1MemoryLimit(content: string): number {
  const value = BigInt(parseIntegerText(content.trim()));
  return value >= 2n ** 62n ? -1 : Number(value);
}

/** v2 cpu.max: "<quota> <period>", where the quota is "max" without a limit. */
export function parseCpuMax(content: string): { quota: number; period: number } {
  const [quota = '', period = ''] = content.trim().split(/\s+/);
  return { quota: parseLimit(quota), period: parseInteger(period) };
}

export function parseInteger(content: string): number {
  return Number(parseIntegerText(content.trim()));
}

/** A counter that may pass 2^53 (CPU time in nanoseconds). */
export function parseCounter(content: string): bigint {
  return BigInt(parseIntegerText(content.trim()));
}

function parseIntegerText(value: string): string {
  if (!/^-?[0-9]+$/.test(value)) throw new SyntaxError(`not an integer: ${JSON.stringify(value)}`);
  return value;
}

/** cAdvisor's working set: usage minus inactive file pages, never below zero. */
export function workingSetBytes(usage: bigint, inactiveFile: bigint): number {
  return Number(usage > inactiveFile ? usage - inactiveFile : 0n);
}
