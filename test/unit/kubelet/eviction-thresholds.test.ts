import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  evictionSettings,
  parseGoDuration,
  parseReserved,
} from '../../../src/kubelet/eviction/eviction-config.js';
import {
  DEFAULT_EVICTION_HARD,
  parseEvictionHard,
  thresholdsMet,
  type Observation,
  type Signal,
} from '../../../src/kubelet/eviction/thresholds.js';

const MI = 1024n * 1024n;

describe('eviction thresholds', () => {
  test('the default thresholds are the kubelet Linux ones, with memory copied to allocatable', () => {
    const signals = parseEvictionHard(DEFAULT_EVICTION_HARD).map((t) => [t.signal, t.value]);
    assert.deepEqual(signals, [
      ['memory.available', { amount: 100n * MI, text: '100Mi' }],
      ['nodefs.available', { percentage: 0.1 }],
      ['imagefs.available', { percentage: 0.15 }],
      ['nodefs.inodesFree', { percentage: 0.05 }],
      ['imagefs.inodesFree', { percentage: 0.05 }],
      ['allocatableMemory.available', { amount: 100n * MI, text: '100Mi' }],
    ]);
  });

  test('a flag naming one signal sets only that threshold; 0% and 100% are ignored', () => {
    assert.deepEqual(
      parseEvictionHard('nodefs.available<50Mi,imagefs.available<0%,pid.available<100%').map((t) => t.signal),
      ['nodefs.available'],
    );
    assert.deepEqual(parseEvictionHard(''), []);
  });

  test('bad statements are refused with the kubelet cause', () => {
    assert.throws(() => parseEvictionHard('memory.available=1Gi'), /malformed pair/);
    assert.throws(() => parseEvictionHard('cpu.available<1'), /unsupported eviction signal cpu.available/);
    assert.throws(() => parseEvictionHard('memory.available<-1Mi'), /must be positive/);
    assert.throws(() => parseEvictionHard('nodefs.available<120%'), /must be <= 100%/);
    assert.throws(() => parseEvictionHard('nodefs.available<lots'), /quantities must match/);
  });

  test('a threshold is met when less is available than its amount or share of capacity', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 40n }),
        fc.bigInt({ min: 1n, max: 1n << 40n }),
        (available, capacity) => {
          const thresholds = parseEvictionHard('nodefs.available<10%,memory.available<100Mi');
          const observations = new Map<Signal, Observation>([
            ['nodefs.available', { available, capacity }],
            ['memory.available', { available, capacity }],
          ]);
          const met = thresholdsMet(thresholds, observations).map((t) => t.signal);
          assert.equal(
            met.includes('nodefs.available'),
            BigInt(Math.trunc(Number(capacity) * 0.1)) > available,
          );
          assert.equal(met.includes('memory.available'), 100n * MI > available);
          assert.ok(!met.includes('allocatableMemory.available'), 'an unobserved signal is never met');
        },
      ),
    );
  });
});

describe('eviction flags', () => {
  test('allocatable holds back kube and system reservations and the hard thresholds', () => {
    const settings = evictionSettings(
      {
        evictionPressureTransitionPeriod: '30s',
        systemReserved: 'cpu=100m,memory=1Gi',
        kubeReserved: 'memory=512Mi',
      },
      { memoryBytes: 8192n * MI, ephemeralStorageBytes: 1000n * MI },
    );
    assert.equal(settings.pressureTransitionPeriodMs, 30_000);
    assert.deepEqual(settings.reserved, {
      milliCpu: 100n,
      memoryBytes: 1536n * MI,
      ephemeralStorageBytes: 0n,
    });
    assert.deepEqual(settings.reservation, {
      milliCpu: 100n,
      memoryBytes: 1636n * MI,
      ephemeralStorageBytes: BigInt(Math.trunc(Number(1000n * MI) * 0.1)),
    });
  });

  test('each bad flag names itself', () => {
    const capacity = { memoryBytes: 0n, ephemeralStorageBytes: 0n };
    const base = { evictionPressureTransitionPeriod: '5m' };
    assert.throws(
      () => evictionSettings({ ...base, evictionHard: 'x<1' }, capacity),
      /^EvictionConfigError: --eviction-hard: /,
    );
    assert.throws(
      () => evictionSettings({ evictionPressureTransitionPeriod: '5 minutes' }, capacity),
      /--eviction-pressure-transition-period: time: invalid duration/,
    );
    assert.throws(
      () => evictionSettings({ ...base, kubeReserved: 'gpu=1' }, capacity),
      /--kube-reserved: cannot reserve "gpu"/,
    );
    assert.throws(
      () => evictionSettings({ ...base, systemReserved: 'memory=-1Gi' }, capacity),
      /--system-reserved: .*negative/,
    );
  });

  test('reservations read cpu in millicores and memory in bytes', () => {
    assert.deepEqual(parseReserved('cpu=1.5,memory=100Mi,ephemeral-storage=1G,pid=100'), {
      milliCpu: 1500n,
      memoryBytes: 100n * MI,
      ephemeralStorageBytes: 1_000_000_000n,
    });
  });

  test('durations read as Go writes them', () => {
    assert.equal(parseGoDuration('5m'), 300_000);
    assert.equal(parseGoDuration('1m30s'), 90_000);
    assert.equal(parseGoDuration('1.5h'), 5_400_000);
    assert.equal(parseGoDuration('0'), 0);
    assert.throws(() => parseGoDuration('10'), /invalid duration/);
    assert.throws(() => parseGoDuration(''), /invalid duration/);
  });
});
