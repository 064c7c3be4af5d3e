import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { PressureConditions } from '../../../src/kubelet/eviction/pressure.js';
import { evictionMessage, rankForEviction, type PodUsage } from '../../../src/kubelet/eviction/ranking.js';
import {
  parseEvictionHard,
  type Observation,
  type Signal,
} from '../../../src/kubelet/eviction/thresholds.js';
import { nodeConditions, withPressureTaints } from '../../../src/kubelet/node-object.js';
import { admitPod, admitUnderPressure } from '../../../src/kubelet/pod-admission.js';

const MI = 1024 * 1024;
const [memory] = parseEvictionHard('memory.available<100Mi');
const [disk] = parseEvictionHard('nodefs.available<10%');
const [pids] = parseEvictionHard('pid.available<1000');

function pod(name: string, opts: { memory?: string; storage?: string; priority?: number } = {}): Pod {
  const requests = {
    ...(opts.memory ? { memory: opts.memory } : {}),
    ...(opts.storage ? { 'ephemeral-storage': opts.storage } : {}),
  };
  return {
    metadata: { name, uid: name, namespace: 'default' },
    spec: {
      ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
      containers: [{ name: 'c', image: 'i', resources: { requests } }],
    },
  };
}

function usage(values: Record<string, Partial<PodUsage>>) {
  return (p: Pod): PodUsage | undefined => {
    const u = values[p.metadata?.name ?? ''];
    return u && { diskBytes: 0, containerMemory: new Map(), containerDisk: new Map(), ...u };
  };
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata?.name);

describe('node-pressure ranking', () => {
  test('memory: pods over their requests first, then lower priority, then usage above request', () => {
    const pods = [
      pod('within', { memory: '100Mi' }),
      pod('over-high-priority', { memory: '10Mi', priority: 1000 }),
      pod('over-small', { memory: '10Mi' }),
      pod('over-big'),
    ];
    const ranked = rankForEviction(
      memory!,
      pods,
      usage({
        within: { memoryBytes: 50 * MI },
        'over-high-priority': { memoryBytes: 500 * MI },
        'over-small': { memoryBytes: 20 * MI },
        'over-big': { memoryBytes: 200 * MI },
      }),
    );
    assert.deepEqual(names(ranked), ['over-big', 'over-small', 'over-high-priority', 'within']);
  });

  test('a pod without stats goes first', () => {
    const ranked = rankForEviction(memory!, [pod('a'), pod('b')], usage({ a: { memoryBytes: MI } }));
    assert.deepEqual(names(ranked), ['b', 'a']);
  });

  test('disk: ranked by ephemeral-storage usage against its request', () => {
    const ranked = rankForEviction(
      disk!,
      [pod('quiet'), pod('writer'), pod('asked', { storage: '1Gi' })],
      usage({ quiet: { diskBytes: MI }, writer: { diskBytes: 150 * MI }, asked: { diskBytes: 500 * MI } }),
    );
    assert.deepEqual(names(ranked), ['writer', 'quiet', 'asked']);
  });

  test('pids: lower priority first, then more tasks', () => {
    const ranked = rankForEviction(
      pids!,
      [pod('few'), pod('many'), pod('low', { priority: -1 })],
      usage({ few: { processes: 2 }, many: { processes: 200 }, low: { processes: 1 } }),
    );
    assert.deepEqual(names(ranked), ['low', 'many', 'few']);
  });

  test('ranking is a permutation and the first pod never ranks behind one over its request', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 400 }), { minLength: 1, maxLength: 8 }), (used) => {
        const pods = used.map((_, i) => pod(`p${i}`, { memory: '100Mi' }));
        const values = Object.fromEntries(used.map((u, i) => [`p${i}`, { memoryBytes: u * MI }]));
        const ranked = rankForEviction(memory!, pods, usage(values));
        assert.deepEqual([...names(ranked)].sort(), [...names(pods)].sort());
        const first = values[ranked[0]?.metadata?.name ?? '']!.memoryBytes;
        assert.equal(first, Math.max(...used) * MI);
      }),
    );
  });

  test('the message names the threshold, what was available and each container over its request', () => {
    const observations = new Map<Signal, Observation>([
      ['memory.available', { available: 12345n * 1024n, capacity: 8n * 1024n * BigInt(MI) }],
    ]);
    const u: PodUsage = {
      memoryBytes: 300 * MI,
      diskBytes: 0,
      containerMemory: new Map([['c', 300 * MI]]),
      containerDisk: new Map(),
    };
    assert.equal(
      evictionMessage(memory!, pod('x', { memory: '64Mi' }), u, observations),
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 12345Ki. ' +
        'Container c was using 300Mi, request is 64Mi, has larger consumption of memory. ',
    );
  });

  test('a percentage threshold is shown as the amount it stands for', () => {
    const observations = new Map<Signal, Observation>([
      ['nodefs.available', { available: 2048n, capacity: 300n * BigInt(MI) }],
    ]);
    assert.equal(
      evictionMessage(disk!, pod('x'), undefined, observations),
      'The node was low on resource: ephemeral-storage. Threshold quantity: 30Mi, available: 2Ki. ',
    );
  });
});

describe('node pressure conditions', () => {
  test('a condition holds for the transition period after its threshold was last met', () => {
    const conditions = new PressureConditions(60_000);
    assert.deepEqual(conditions.update([disk!], 0), ['DiskPressure']);
    assert.deepEqual(conditions.update([], 59_999), ['DiskPressure']);
    assert.deepEqual(conditions.update([memory!], 60_000), ['MemoryPressure']);
    assert.deepEqual(conditions.update([], 120_000), []);
  });

  test('a condition is reported exactly when its threshold was met within the period', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (metAt, periodTicks) => {
          const conditions = new PressureConditions(periodTicks * 10);
          metAt.forEach((met, tick) => {
            const reported = conditions.update(met ? [disk!] : [], tick * 10).includes('DiskPressure');
            const expected = metAt.slice(Math.max(0, tick - periodTicks + 1), tick + 1).some(Boolean);
            assert.equal(reported, expected);
          });
        },
      ),
    );
  });

  test('the node shows kubelet reasons and messages and the matching taints', () => {
    const [mem, diskCondition, pid] = nodeConditions('t', undefined, ['DiskPressure']);
    assert.equal(mem?.status, 'False');
    assert.deepEqual(
      [diskCondition?.status, diskCondition?.reason, diskCondition?.message],
      ['True', 'KubeletHasDiskPressure', 'kubelet has disk pressure'],
    );
    assert.equal(pid?.reason, 'KubeletHasSufficientPID');
    const other = { key: 'dedicated', value: 'x', effect: 'NoSchedule' };
    const taints = withPressureTaints(
      [other, { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }],
      ['DiskPressure'],
    );
    assert.deepEqual(taints, [other, { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]);
  });
});

describe('admission under pressure', () => {
  const node = { milliCpu: 2000n, memoryBytes: 1024n * BigInt(MI), pods: 10 };
  const burstable = pod('b', { memory: '10Mi' });
  const bestEffort = pod('be');

  test('memory pressure rejects only BestEffort pods that do not tolerate it', () => {
    assert.equal(admitUnderPressure(burstable, ['MemoryPressure']), undefined);
    assert.deepEqual(admitPod(bestEffort, [], node, ['MemoryPressure']), {
      reason: 'Evicted',
      message: 'The node had condition: [MemoryPressure]. ',
    });
    const tolerant: Pod = {
      ...bestEffort,
      spec: {
        ...bestEffort.spec!,
        tolerations: [{ key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' }],
      },
    };
    assert.equal(admitUnderPressure(tolerant, ['MemoryPressure']), undefined);
  });

  test('disk or pid pressure rejects every pod but critical ones', () => {
    assert.equal(
      admitUnderPressure(burstable, ['MemoryPressure', 'DiskPressure'])?.message,
      'The node had condition: [MemoryPressure DiskPressure]. ',
    );
    assert.equal(admitUnderPressure(burstable, ['PIDPressure'])?.reason, 'Evicted');
    const critical: Pod = { ...bestEffort, spec: { ...bestEffort.spec!, priority: 2_000_000_000 } };
    assert.equal(admitUnderPressure(critical, ['DiskPressure']), undefined);
    assert.equal(admitUnderPressure(bestEffort, []), undefined);
  });
});
