// Eviction thresholds (pkg/kubelet/eviction/api/types.go, helpers.go ParseThresholdConfig, thresholdsMet,
// nodeConditions; defaults_linux.go): `--eviction-hard` parsed as the kubelet parses it, and which thresholds the
// observed signals meet. Pure.
import { formatQuantity, parseQuantity, quantityToBytes, QuantityError } from '../../api/quantity.js';

export const SIGNALS = [
  'memory.available',
  'allocatableMemory.available',
  'nodefs.available',
  'nodefs.inodesFree',
  'imagefs.available',
  'imagefs.inodesFree',
  'containerfs.available',
  'containerfs.inodesFree',
  'pid.available',
] as const;
export type Signal = (typeof SIGNALS)[number];

/** A threshold's value: an absolute amount (bytes, inodes, pids) or a fraction of the signal's capacity. */
export type ThresholdValue = { amount: bigint; text: string } | { percentage: number };

export interface Threshold {
  signal: Signal;
  value: ThresholdValue;
}

/** One signal as measured: what is left and out of how much (bytes, inodes or pids). */
export interface Observation {
  available: bigint;
  capacity: bigint;
}
export type Observations = ReadonlyMap<Signal, Observation>;

export type PressureCondition = 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';
/** What a signal's shortage is reported as: the `%v` of "The node was low on resource: %v. ". */
export type StarvedResource = 'memory' | 'ephemeral-storage' | 'inodes' | 'pids';

export class EvictionConfigError extends Error {
  override name = 'EvictionConfigError';
}

/** The kubelet's Linux --eviction-hard default, applied only when the flag is not given at all. */
export const DEFAULT_EVICTION_HARD =
  'memory.available<100Mi,nodefs.available<10%,imagefs.available<15%,nodefs.inodesFree<5%,imagefs.inodesFree<5%';

const CONDITION: Record<Signal, PressureCondition> = {
  'memory.available': 'MemoryPressure',
  'allocatableMemory.available': 'MemoryPressure',
  'nodefs.available': 'DiskPressure',
  'nodefs.inodesFree': 'DiskPressure',
  'imagefs.available': 'DiskPressure',
  'imagefs.inodesFree': 'DiskPressure',
  'containerfs.available': 'DiskPressure',
  'containerfs.inodesFree': 'DiskPressure',
  'pid.available': 'PIDPressure',
};

const RESOURCE: Record<Signal, StarvedResource> = {
  'memory.available': 'memory',
  'allocatableMemory.available': 'memory',
  'nodefs.available': 'ephemeral-storage',
  'nodefs.inodesFree': 'inodes',
  'imagefs.available': 'ephemeral-storage',
  'imagefs.inodesFree': 'inodes',
  'containerfs.available': 'ephemeral-storage',
  'containerfs.inodesFree': 'inodes',
  'pid.available': 'pids',
};

export function conditionOf(signal: Signal): PressureCondition {
  return CONDITION[signal];
}

export function resourceOf(signal: Signal): StarvedResource {
  return RESOURCE[signal];
}

/**
 * `memory.available<100Mi,nodefs.available<10%`, as the kubelet's LangleSeparatedMapStringString and
 * parseThresholdStatement read it: a later statement for the same signal wins, `0%` and `100%` are ignored. With
 * node allocatable enforced on pods (the kubelet default), a hard memory.available threshold is copied to
 * allocatableMemory.available. containerfs.* is dropped: on one filesystem the kubelet overrides it with nodefs's
 * values (UpdateContainerFsThresholds), which the nodefs threshold already covers.
 */
export function parseEvictionHard(flag: string): Threshold[] {
  const statements = new Map<Signal, string>();
  for (const pair of flag.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('<');
    if (at < 0)
      throw new EvictionConfigError(`malformed pair, expect string<string: ${JSON.stringify(pair)}`);
    const signal = pair.slice(0, at).trim();
    if (!(SIGNALS as readonly string[]).includes(signal)) {
      throw new EvictionConfigError(`unsupported eviction signal ${signal}`);
    }
    statements.set(signal as Signal, pair.slice(at + 1).trim());
  }
  const thresholds: Threshold[] = [];
  for (const [signal, text] of statements) {
    const value = parseThresholdValue(signal, text);
    if (value && !signal.startsWith('containerfs.')) thresholds.push({ signal, value });
  }
  const memory = thresholds.find((t) => t.signal === 'memory.available');
  if (memory && !statements.has('allocatableMemory.available')) {
    thresholds.push({ signal: 'allocatableMemory.available', value: memory.value });
  }
  return thresholds;
}

function parseThresholdValue(signal: Signal, text: string): ThresholdValue | undefined {
  if (text.endsWith('%')) {
    if (text === '0%' || text === '100%') return undefined;
    const number = text.slice(0, -1);
    const percentage = Number(number) / 100;
    if (number.trim() === '' || !Number.isFinite(percentage)) {
      throw new EvictionConfigError(
        `eviction threshold ${signal}: invalid percentage ${JSON.stringify(text)}`,
      );
    }
    if (percentage < 0)
      throw new EvictionConfigError(`eviction percentage threshold ${signal} must be >= 0%: ${text}`);
    if (percentage > 1)
      throw new EvictionConfigError(`eviction percentage threshold ${signal} must be <= 100%: ${text}`);
    return { percentage };
  }
  let amount: bigint;
  try {
    amount = quantityToBytes(parseQuantity(text));
  } catch (err) {
    if (!(err instanceof QuantityError)) throw err;
    throw new EvictionConfigError(`eviction threshold ${signal}: ${err.message}: ${JSON.stringify(text)}`);
  }
  if (amount <= 0n) throw new EvictionConfigError(`eviction threshold ${signal} must be positive: ${text}`);
  return { amount, text };
}

/** GetThresholdQuantity: the amount itself, or the percentage of the capacity (truncated, as int64(float64)). */
export function thresholdAmount(value: ThresholdValue, capacity: bigint): bigint {
  if ('amount' in value) return value.amount;
  return BigInt(Math.trunc(Number(capacity) * value.percentage));
}

/** Quantity.String() of the threshold: the flag's text, or the computed amount in canonical form. */
export function formatThreshold(threshold: Threshold, capacity: bigint): string {
  if ('amount' in threshold.value) return threshold.value.text;
  return formatAmount(threshold.signal, thresholdAmount(threshold.value, capacity));
}

/** resource.NewQuantity(n, BinarySI) for bytes, DecimalSI for inodes and pids. */
export function formatAmount(signal: Signal, amount: bigint): string {
  const format =
    RESOURCE[signal] === 'memory' || RESOURCE[signal] === 'ephemeral-storage' ? 'BinarySI' : 'DecimalSI';
  return formatQuantity({ unscaled: amount, exponent: 0, format });
}

/** thresholdsMet: the thresholds whose signal was observed with less available than the threshold amount. */
export function thresholdsMet(thresholds: readonly Threshold[], observations: Observations): Threshold[] {
  return thresholds.filter((t) => {
    const observed = observations.get(t.signal);
    return observed !== undefined && thresholdAmount(t.value, observed.capacity) > observed.available;
  });
}

/** The hard threshold's amount for a signal, when one is set: what allocatable holds back. */
export function hardEvictionAmount(
  thresholds: readonly Threshold[],
  signal: Signal,
  capacity: bigint,
): bigint {
  const threshold = thresholds.find((t) => t.signal === signal);
  return threshold ? thresholdAmount(threshold.value, capacity) : 0n;
}
