import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { runFilters } from '../../../src/scheduler/filters.js';
import { preempt } from '../../../src/scheduler/preemption.js';

const node: Node = {
  metadata: { name: 'n1' },
  spec: {},
  status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' } },
};

function pod(name: string, priority: number, cpu: string, extra: Partial<Pod> = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { priority, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu } } }] },
    ...extra,
  };
}

function attempt(preemptor: Pod, pods: Pod[]) {
  const info = { node, pods };
  const failure = runFilters(preemptor, info);
  assert.ok(failure, 'the preemptor must not fit before preemption');
  return preempt(preemptor, info, failure);
}

describe('preemption', () => {
  test('reprieves lower-priority pods most important first, so the least important go', () => {
    const pods = [pod('low-a', 1, '500m'), pod('low-b', 5, '500m'), pod('mid', 10, '1')];
    const outcome = attempt(pod('high', 100, '1'), pods);
    assert.equal(outcome.preempted, true);
    assert.deepEqual(outcome.preempted && outcome.victims.map((v) => v.metadata?.name).sort(), [
      'low-a',
      'low-b',
    ]);
  });

  test('of two equal-size pods only the less important is preempted', () => {
    const pods = [pod('a', 1, '1'), pod('b', 2, '1')];
    const outcome = attempt(pod('high', 100, '1'), pods);
    assert.deepEqual(outcome.preempted && outcome.victims.map((v) => v.metadata?.name), ['a']);
  });

  test('says no victims were found when nothing has lower priority', () => {
    const outcome = attempt(pod('high', 0, '1'), [pod('same', 0, '2')]);
    assert.deepEqual(outcome, {
      preempted: false,
      clearNomination: true,
      message: 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    });
  });

  test('says preemption is not helpful for an unresolvable failure', () => {
    const picky = pod('picky', 100, '1');
    picky.spec!.nodeSelector = { disk: 'ssd' };
    const outcome = attempt(picky, [pod('low', 0, '2')]);
    assert.equal(
      outcome.preempted === false && outcome.message,
      'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  test('a pod with preemptionPolicy Never is not eligible', () => {
    const never = pod('never', 100, '1');
    never.spec!.preemptionPolicy = 'Never';
    const outcome = attempt(never, [pod('low', 0, '2')]);
    assert.deepEqual(outcome, {
      preempted: false,
      clearNomination: false,
      message: 'preemption: not eligible due to preemptionPolicy=Never.',
    });
  });

  test('a nominated pod waits while its victims terminate', () => {
    const preemptor = pod('high', 100, '1', { status: { nominatedNodeName: 'n1' } });
    const victim = pod('low', 0, '2', {
      metadata: {
        name: 'low',
        namespace: 'default',
        uid: 'uid-low',
        deletionTimestamp: '2026-01-01T00:00:00Z',
      },
      status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] },
    });
    const outcome = attempt(preemptor, [victim]);
    assert.equal(
      outcome.preempted === false && outcome.message,
      'preemption: not eligible due to a terminating pod on the nominated node.',
    );
  });

  test('when even removing every lower pod is not enough, the node reasons are given', () => {
    const outcome = attempt(pod('huge', 100, '3'), [pod('low', 0, '1')]);
    assert.equal(
      outcome.preempted === false && outcome.message,
      'preemption: 0/1 nodes are available: 1 Insufficient cpu.',
    );
  });
});
