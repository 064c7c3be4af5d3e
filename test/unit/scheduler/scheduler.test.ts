import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../src/api/object.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import { silentLogger } from '../../../src/util/log.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

const NODE = 'n1';

function node(labels: Record<string, string> = {}): KubeObject {
  const value: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE, ...labels } },
    spec: {},
    status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' } },
  };
  return value as KubeObject;
}

function pod(name: string, spec: Partial<Pod['spec']> = {}, cpu = '100m'): KubeObject {
  const value: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu } } }], priority: 0, ...spec },
    status: { phase: 'Pending' },
  };
  return value as KubeObject;
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('the scheduler loop', () => {
  let temp: TempStore;
  let scheduler: Scheduler;
  beforeEach(() => {
    temp = openTempStore();
    scheduler = new Scheduler({ store: temp.store, nodeName: NODE, logger: silentLogger });
  });
  afterEach(async () => {
    await scheduler.stop();
    temp.dispose();
  });

  const stored = (name: string) => temp.store.get('pods', 'default', name) as unknown as Pod | undefined;
  const eventsOf = (name: string, reason: string) =>
    (temp.store.list('events', undefined).items as unknown as Event[]).filter(
      (e) => e.involvedObject.name === name && e.reason === reason,
    );

  test('binds a pod that fits and marks it PodScheduled', async () => {
    temp.store.create('nodes', node());
    scheduler.start();
    temp.store.create('pods', pod('fits'));
    const bound = await until('binding', () => (stored('fits')?.spec?.nodeName ? stored('fits') : undefined));
    assert.equal(bound.spec?.nodeName, NODE);
    assert.equal(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
    assert.equal(eventsOf('fits', 'Scheduled')[0]?.message, `Successfully assigned default/fits to ${NODE}`);
  });

  test('leaves an unplaceable pod Pending with the reason, and binds it when the node label appears', async () => {
    temp.store.create('nodes', node());
    scheduler.start();
    temp.store.create('pods', pod('picky', { nodeSelector: { disk: 'ssd' } }));
    const condition = await until('Unschedulable', () =>
      stored('picky')?.status?.conditions?.find((c) => c.reason === 'Unschedulable'),
    );
    const message =
      "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    assert.equal(condition.message, message);
    assert.equal(eventsOf('picky', 'FailedScheduling')[0]?.message, message);
    temp.store.guaranteedUpdate('nodes', '', NODE, (current) => ({
      ...current,
      metadata: { ...current.metadata, labels: { ...current.metadata.labels, disk: 'ssd' } },
    }));
    await until('binding', () => stored('picky')?.spec?.nodeName);
  });

  test('skips pods that name a node, are gated, or ask for another scheduler', async () => {
    temp.store.create('nodes', node());
    scheduler.start();
    temp.store.create('pods', pod('gated', { schedulingGates: [{ name: 'wait' }] }));
    temp.store.create('pods', pod('other', { schedulerName: 'my-scheduler' }));
    temp.store.create('pods', pod('named', { nodeName: 'elsewhere' }));
    temp.store.create('pods', pod('marker'));
    await until('marker bound', () => stored('marker')?.spec?.nodeName);
    assert.equal(stored('gated')?.spec?.nodeName, undefined);
    assert.equal(stored('other')?.spec?.nodeName, undefined);
    assert.equal(stored('named')?.spec?.nodeName, 'elsewhere');
    assert.equal(stored('other')?.status?.conditions, undefined);
  });

  test('places the higher-priority pod first when both cannot fit', async () => {
    temp.store.create('nodes', node());
    temp.store.create('pods', pod('low', { priority: 1, preemptionPolicy: 'Never' }, '1500m'));
    temp.store.create('pods', pod('high', { priority: 10, preemptionPolicy: 'Never' }, '1500m'));
    scheduler.start();
    await until('high bound', () => stored('high')?.spec?.nodeName);
    const condition = await until('low refused', () =>
      stored('low')?.status?.conditions?.find((c) => c.reason === 'Unschedulable'),
    );
    assert.equal(
      condition.message,
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });

  test('a preemptor marks and deletes its victim, waits nominated, then binds once the victim is gone', async () => {
    temp.store.create('nodes', node());
    temp.store.create('pods', { ...pod('victim', { priority: 1, nodeName: NODE }, '1500m') });
    scheduler.start();
    temp.store.create('pods', pod('preemptor', { priority: 100 }, '1'));
    await until('nomination', () => stored('preemptor')?.status?.nominatedNodeName);
    const victim = stored('victim');
    assert.ok(victim?.metadata?.deletionTimestamp, 'the victim is being deleted gracefully');
    assert.equal(
      victim.status?.conditions?.find((c) => c.type === 'DisruptionTarget')?.reason,
      'PreemptionByScheduler',
    );
    assert.equal(
      eventsOf('victim', 'Preempted')[0]?.message,
      `Preempted by pod uid-preemptor on node ${NODE}`,
    );
    assert.equal(stored('preemptor')?.spec?.nodeName, undefined);
    temp.store.delete('pods', 'default', 'victim');
    await until('preemptor bound', () => stored('preemptor')?.spec?.nodeName);
  });
});
