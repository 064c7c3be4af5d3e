// The kubelet flags that shape eviction and allocatable (cmd/kubelet/app/options, pkg/kubelet/cm
// node_container_manager_linux.go GetNodeAllocatableReservation, hardEvictionReservation): `--eviction-hard`,
// `--eviction-pressure-transition-period`, `--kube-reserved` and `--system-reserved`. Pure.
import { parseQuantity, quantityToBytes, quantityToMilli, QuantityError } from '../../api/quantity.js';
import type { NodeReservation } from '../node-object.js';
import {
  DEFAULT_EVICTION_HARD,
  EvictionConfigError,
  hardEvictionAmount,
  parseEvictionHard,
  type Threshold,
} from './thresholds.js';

export interface EvictionFlags {
  /** Absent: the kubelet's defaults. Given: only the thresholds it names (the kubelet does not merge defaults). */
  evictionHard?: string;
  evictionPressureTransitionPeriod: string;
  kubeReserved?: string;
  systemReserved?: string;
}

export interface EvictionSettings {
  thresholds: Threshold[];
  pressureTransitionPeriodMs: number;
  /** --kube-reserved + --system-reserved: what the pods' cgroup (kubepods) is kept below. */
  reserved: NodeReservation;
  /** reserved + the hard memory.available and nodefs.available thresholds: what allocatable is kept below. */
  reservation: NodeReservation;
}

/** kubelet --eviction-pressure-transition-period default. */
export const DEFAULT_PRESSURE_TRANSITION_PERIOD = '5m';

export function evictionSettings(
  flags: EvictionFlags,
  capacity: { memoryBytes: bigint; ephemeralStorageBytes: bigint },
): EvictionSettings {
  const thresholds = parseFlag('--eviction-hard', () =>
    parseEvictionHard(flags.evictionHard ?? DEFAULT_EVICTION_HARD),
  );
  const pressureTransitionPeriodMs = parseFlag('--eviction-pressure-transition-period', () =>
    parseGoDuration(flags.evictionPressureTransitionPeriod),
  );
  const kube = parseFlag('--kube-reserved', () => parseReserved(flags.kubeReserved ?? ''));
  const system = parseFlag('--system-reserved', () => parseReserved(flags.systemReserved ?? ''));
  const reserved: NodeReservation = {
    milliCpu: kube.milliCpu + system.milliCpu,
    memoryBytes: kube.memoryBytes + system.memoryBytes,
    ephemeralStorageBytes: kube.ephemeralStorageBytes + system.ephemeralStorageBytes,
  };
  return {
    thresholds,
    pressureTransitionPeriodMs,
    reserved,
    reservation: {
      milliCpu: reserved.milliCpu,
      memoryBytes:
        reserved.memoryBytes + hardEvictionAmount(thresholds, 'memory.available', capacity.memoryBytes),
      ephemeralStorageBytes:
        reserved.ephemeralStorageBytes +
        hardEvictionAmount(thresholds, 'nodefs.available', capacity.ephemeralStorageBytes),
    },
  };
}

function parseFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof EvictionConfigError || err instanceof QuantityError) {
      throw new EvictionConfigError(`${flag}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/**
 * `cpu=100m,memory=1Gi,ephemeral-storage=1Gi,pid=1000` (kubelet parseResourceList): other resources cannot be
 * reserved and a negative amount is refused. pid reservations are accepted but hold nothing back here.
 */
export function parseReserved(flag: string): NodeReservation {
  const reserved: NodeReservation = { milliCpu: 0n, memoryBytes: 0n, ephemeralStorageBytes: 0n };
  for (const pair of flag.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    if (at < 0)
      throw new EvictionConfigError(`malformed pair, expect string=string: ${JSON.stringify(pair)}`);
    const name = pair.slice(0, at).trim();
    const text = pair.slice(at + 1).trim();
    const quantity = parseQuantity(text);
    if (quantity.unscaled < 0n) {
      throw new EvictionConfigError(`resource quantity for "${name}" cannot be negative: ${text}`);
    }
    if (name === 'cpu') reserved.milliCpu = quantityToMilli(quantity);
    else if (name === 'memory') reserved.memoryBytes = quantityToBytes(quantity);
    else if (name === 'ephemeral-storage') reserved.ephemeralStorageBytes = quantityToBytes(quantity);
    else if (name !== 'pid') throw new EvictionConfigError(`cannot reserve "${name}" resource`);
  }
  return reserved;
}

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** time.ParseDuration: `5m`, `1m30s`, `1.5h`, `0`; a unit is required on every number but a bare 0. */
export function parseGoDuration(text: string): number {
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const match = part.exec(text);
    if (!match?.[1] || !match[2])
      throw new EvictionConfigError(`time: invalid duration ${JSON.stringify(text)}`);
    total += Number(match[1]) * (DURATION_UNITS_MS[match[2]] ?? 0);
    at = part.lastIndex;
  }
  if (text === '') throw new EvictionConfigError(`time: invalid duration ""`);
  return total;
}
