// Scheduling through kubectl: pods that cannot be placed stay Pending with the scheduler's own words and are
// placed once `kubectl label node`, `kubectl taint node ... -` or `kubectl uncordon` allow it; PriorityClasses and
// preemption; an extended resource from `--extended-resource` held until its pod goes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { NODE_NAME, TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster, type Cluster } from './support/cluster.js';

const NOT_HELPFUL = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
const NO_VICTIMS = 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';

function suffix(): string {
  return randomBytes(3).toString('hex');
}

function podYaml(name: string, spec = '', resources = '', grace = 1): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: ${grace}
${spec}
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'exec sleep 3600']
${resources}`;
}

async function getPod(k: Cluster, name: string): Promise<Pod | undefined> {
  const r = await k.kubectl(['get', 'pod', name, '-o', 'json']);
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as Pod) : undefined;
}

/** The PodScheduled=False message once the scheduler has written it. */
async function unschedulableMessage(k: Cluster, name: string): Promise<string> {
  return waitFor(`${name} unschedulable`, async () => {
    const pod = await getPod(k, name);
    const c = pod?.status?.conditions?.find((x) => x.type === 'PodScheduled');
    return c?.status === 'False' && c.reason === 'Unschedulable' ? (c.message ?? '') : undefined;
  });
}

async function events(k: Cluster, name: string, reason: string): Promise<Event[]> {
  const out = await k.ok([
    'get',
    'events',
    '--field-selector',
    `involvedObject.name=${name},reason=${reason}`,
    '-o',
    'json',
  ]);
  return (JSON.parse(out) as { items: Event[] }).items;
}

async function waitRunning(k: Cluster, name: string): Promise<Pod> {
  return waitFor(`${name} running`, async () => {
    const pod = await getPod(k, name);
    return pod?.status?.phase === 'Running' ? pod : undefined;
  });
}

async function deletePods(k: Cluster, ...names: string[]): Promise<void> {
  await k.kubectl(['delete', 'pod', ...names, '--grace-period=1', '--ignore-not-found', '--wait=true']);
}

async function nodeMilliCpu(k: Cluster): Promise<number> {
  const node = JSON.parse(await k.ok(['get', 'node', NODE_NAME, '-o', 'json'])) as Node;
  const cpu = String(node.status?.allocatable?.cpu ?? '0');
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
}

describe('scheduling', () => {
  const k = useCluster({ serveArgs: async () => ['--extended-resource', 'example.com/dongle=2'] });

  test('a plain pod is scheduled at once and the Scheduled event names the node', async () => {
    const name = `plain-${suffix()}`;
    try {
      await k.ok(['apply', '-f', '-'], { input: podYaml(name) });
      await waitRunning(k, name);
      const scheduled = await events(k, name, 'Scheduled');
      assert.equal(scheduled[0]?.message, `Successfully assigned default/${name} to ${NODE_NAME}`);
      assert.equal(scheduled[0]?.source?.component, 'default-scheduler');
    } finally {
      await deletePods(k, name);
    }
  });

  test('a nodeSelector pod waits with the scheduler message and runs once the node is labelled', async () => {
    const name = `selector-${suffix()}`;
    const label = `podlet-test-${suffix()}`;
    try {
      await k.ok(['apply', '-f', '-'], { input: podYaml(name, `  nodeSelector: { ${label}: ssd }`) });
      const expected = `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`;
      assert.equal(await unschedulableMessage(k, name), expected);
      const failed = await events(k, name, 'FailedScheduling');
      assert.equal(failed[0]?.message, expected);
      assert.equal(failed[0]?.type, 'Warning');
      assert.match(await k.ok(['get', 'pod', name]), /Pending/);
      await k.ok(['label', 'node', NODE_NAME, `${label}=ssd`]);
      const pod = await waitRunning(k, name);
      assert.equal(pod.spec?.nodeName, NODE_NAME);
    } finally {
      await deletePods(k, name);
      await k.kubectl(['label', 'node', NODE_NAME, `${label}-`]);
    }
  });

  test('a required node affinity pod waits until a matching label appears', async () => {
    const name = `affinity-${suffix()}`;
    const label = `podlet-zone-${suffix()}`;
    const affinity = `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions: [{ key: ${label}, operator: In, values: [a, b] }]
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 1
          preference: { matchExpressions: [{ key: nowhere, operator: Exists }] }`;
    try {
      await k.ok(['apply', '-f', '-'], { input: podYaml(name, affinity) });
      assert.equal(
        await unschedulableMessage(k, name),
        `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`,
      );
      await k.ok(['label', 'node', NODE_NAME, `${label}=b`]);
      await waitRunning(k, name);
    } finally {
      await deletePods(k, name);
      await k.kubectl(['label', 'node', NODE_NAME, `${label}-`]);
    }
  });

  test('a taint keeps a pod Pending until it is removed; a tolerating pod runs at once', async () => {
    const name = `tainted-${suffix()}`;
    const tolerant = `tolerant-${suffix()}`;
    const key = `podlet-dedicated-${suffix()}`;
    try {
      await k.ok(['taint', 'node', NODE_NAME, `${key}=gpu:NoSchedule`]);
      await k.ok(['apply', '-f', '-'], { input: podYaml(name) });
      assert.equal(
        await unschedulableMessage(k, name),
        `0/1 nodes are available: 1 node(s) had untolerated taint {${key}: gpu}. ${NOT_HELPFUL}`,
      );
      const toleration = `  tolerations: [{ key: ${key}, operator: Equal, value: gpu, effect: NoSchedule }]`;
      await k.ok(['apply', '-f', '-'], { input: podYaml(tolerant, toleration) });
      await waitRunning(k, tolerant);
      assert.equal((await getPod(k, name))?.status?.phase, 'Pending');
      await k.ok(['taint', 'node', NODE_NAME, `${key}=gpu:NoSchedule-`]);
      await waitRunning(k, name);
    } finally {
      await deletePods(k, name, tolerant);
      await k.kubectl(['taint', 'node', NODE_NAME, `${key}-`]);
    }
  });

  test('a cordoned node takes no new pod until it is uncordoned', async () => {
    const name = `cordoned-${suffix()}`;
    try {
      await k.ok(['cordon', NODE_NAME]);
      await k.ok(['apply', '-f', '-'], { input: podYaml(name) });
      assert.equal(
        await unschedulableMessage(k, name),
        `0/1 nodes are available: 1 node(s) were unschedulable. ${NOT_HELPFUL}`,
      );
      await k.ok(['uncordon', NODE_NAME]);
      await waitRunning(k, name);
    } finally {
      await k.kubectl(['uncordon', NODE_NAME]);
      await deletePods(k, name);
    }
  });

  test('a pod asking for more cpu than the node has says Insufficient cpu', async () => {
    const name = `greedy-${suffix()}`;
    try {
      await k.ok(['apply', '-f', '-'], {
        input: podYaml(name, '', '      resources: { requests: { cpu: "500" } }'),
      });
      assert.equal(
        await unschedulableMessage(k, name),
        `0/1 nodes are available: 1 Insufficient cpu. ${NO_VICTIMS}`,
      );
    } finally {
      await deletePods(k, name);
    }
  });

  test('PriorityClasses: the system classes exist, a pod gets its class value, a missing class is refused', async () => {
    const list = await k.ok(['get', 'priorityclasses', '-o', 'name']);
    assert.match(list, /priorityclass.scheduling.k8s.io\/system-node-critical/);
    assert.match(list, /priorityclass.scheduling.k8s.io\/system-cluster-critical/);
    assert.match(
      await k.ok(['get', 'priorityclass', 'system-node-critical']),
      /^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY\nsystem-node-critical\s+2000001000\s+false\s+\S+\s+PreemptLowerPriority\n$/,
    );
    const missing = await k.kubectl(['apply', '-f', '-'], {
      input: podYaml(`nopc-${suffix()}`, '  priorityClassName: does-not-exist'),
    });
    assert.notEqual(missing.exitCode, 0);
    assert.match(missing.stderr, /is forbidden: no PriorityClass with name does-not-exist was found/);
    const reserved = await k.kubectl(['create', 'priorityclass', 'system-mine', '--value=5']);
    assert.match(
      reserved.stderr,
      /priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class/,
    );
    const tooHigh = await k.kubectl(['create', 'priorityclass', `big-${suffix()}`, '--value=1000000001']);
    assert.match(tooHigh.stderr, /maximum allowed value of a user defined priority is 1000000000/);
  });

  test('a higher-priority pod that does not fit preempts a lower-priority one', async () => {
    const s = suffix();
    const [lowClass, highClass, low, high] = [`low-${s}`, `high-${s}`, `victim-${s}`, `preemptor-${s}`];
    const milli = await nodeMilliCpu(k);
    try {
      await k.ok(['create', 'priorityclass', lowClass, '--value=100']);
      await k.ok(['create', 'priorityclass', highClass, '--value=1000']);
      await k.ok(['apply', '-f', '-'], {
        input: podYaml(
          low,
          `  priorityClassName: ${lowClass}`,
          `      resources: { requests: { cpu: ${milli - 200}m } }`,
          3,
        ),
      });
      const lowPod = await waitRunning(k, low);
      assert.equal(lowPod.spec?.priority, 100);
      await k.ok(['apply', '-f', '-'], {
        input: podYaml(
          high,
          `  priorityClassName: ${highClass}`,
          '      resources: { requests: { cpu: 500m } }',
        ),
      });
      // While the victim stops (its 3 s grace period), the preemptor waits nominated to the node.
      await waitFor('the preemptor nominated', async () => {
        const pod = await getPod(k, high);
        return pod?.status?.nominatedNodeName === NODE_NAME && !pod.spec?.nodeName;
      });
      const disruption = (await getPod(k, low))?.status?.conditions?.find(
        (c) => c.type === 'DisruptionTarget',
      );
      assert.equal(disruption?.reason, 'PreemptionByScheduler');
      assert.equal(disruption?.message, 'default-scheduler: preempting to accommodate a higher priority pod');
      const highPod = await waitRunning(k, high);
      assert.equal(highPod.spec?.priority, 1000);
      const victim = await getPod(k, low);
      assert.ok(victim === undefined || victim.metadata?.deletionTimestamp, 'the victim is gone or going');
      const preempted = await waitFor('Preempted event', async () => (await events(k, low, 'Preempted'))[0]);
      assert.equal(preempted.message, `Preempted by pod ${highPod.metadata?.uid} on node ${NODE_NAME}`);
      const failed = await events(k, high, 'FailedScheduling');
      assert.ok(
        failed.some((e) => e.message === '0/1 nodes are available: 1 Insufficient cpu.'),
        JSON.stringify(failed.map((e) => e.message)),
      );
    } finally {
      await deletePods(k, low, high);
      await k.kubectl(['delete', 'priorityclass', lowClass, highClass, '--ignore-not-found']);
    }
  });

  test('an extended resource pod stays Pending until the pod holding the resource goes', async () => {
    const [holder, waiter] = [`holder-${suffix()}`, `waiter-${suffix()}`];
    const dongles = (n: number) =>
      `      resources: { requests: { example.com/dongle: "${n}" }, limits: { example.com/dongle: "${n}" } }`;
    try {
      const node = JSON.parse(await k.ok(['get', 'node', NODE_NAME, '-o', 'json'])) as Node;
      assert.equal(node.status?.capacity?.['example.com/dongle'], '2');
      assert.equal(node.status?.allocatable?.['example.com/dongle'], '2');
      await k.ok(['apply', '-f', '-'], { input: podYaml(holder, '', dongles(2)) });
      await waitRunning(k, holder);
      await k.ok(['apply', '-f', '-'], { input: podYaml(waiter, '', dongles(1)) });
      assert.equal(
        await unschedulableMessage(k, waiter),
        `0/1 nodes are available: 1 Insufficient example.com/dongle. ${NO_VICTIMS}`,
      );
      await deletePods(k, holder);
      await waitRunning(k, waiter);
    } finally {
      await deletePods(k, holder, waiter);
    }
  });
});
