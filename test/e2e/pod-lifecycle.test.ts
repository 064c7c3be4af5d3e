// The kubelet's lifecycle rules seen through kubectl: restart policies and exit codes, init containers and native
// sidecars in order, back-off, termination messages, deadlines, admission and graceful deletion.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { NODE_NAME, TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster, type Cluster } from './support/cluster.js';

const pod = (name: string, spec: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
${spec}
`;

const container = (name: string, script: string, extra = '') => `
    - name: ${name}
      image: ${TEST_IMAGE}
      command: ['sh', '-c', ${JSON.stringify(script)}]${extra}`;

async function getPod(k: Cluster, name: string): Promise<Pod> {
  return JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
}

/** The STATUS and RESTARTS columns of `kubectl get pod`. */
async function columns(k: Cluster, name: string): Promise<{ status: string; restarts: string }> {
  const row = (await k.ok(['get', 'pod', name, '--no-headers'])).trim().split(/\s{2,}/);
  return { status: row[2] ?? '', restarts: row[3] ?? '' };
}

async function waitStatus(k: Cluster, name: string, status: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `${name} to show ${status}`,
    async () => (await columns(k, name)).status === status,
    timeoutMs,
  );
}

describe('the pod lifecycle through kubectl', { concurrency: true }, () => {
  const k = useCluster();

  test('restartPolicy Never: exit 0 is Completed and Succeeded, exit 3 is Error and Failed', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod('ok-once', `  restartPolicy: Never\n  containers:${container('c', 'exit 0')}`),
    });
    await k.ok(['apply', '-f', '-'], {
      input: pod('fail-once', `  restartPolicy: Never\n  containers:${container('c', 'exit 3')}`),
    });
    await waitStatus(k, 'ok-once', 'Completed');
    await waitStatus(k, 'fail-once', 'Error');
    const ok = await getPod(k, 'ok-once');
    const failed = await getPod(k, 'fail-once');
    assert.equal(ok.status?.phase, 'Succeeded');
    assert.equal(ok.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(failed.status?.phase, 'Failed');
    assert.equal(failed.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
    assert.equal((await columns(k, 'fail-once')).restarts, '0');
    await k.ok(['delete', 'pod', 'ok-once', 'fail-once']);
  });

  test('restartPolicy OnFailure restarts a failing container until it exits 0', async () => {
    // The emptyDir outlives the container: the second run finds the mark of the first and succeeds.
    const script = 'if [ -e /work/ran ]; then exit 0; fi; touch /work/ran; exit 1';
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'on-failure',
        `  restartPolicy: OnFailure
  volumes: [{ name: work, emptyDir: {} }]
  containers:${container('c', script, '\n      volumeMounts: [{ name: work, mountPath: /work }]')}`,
      ),
    });
    await waitStatus(k, 'on-failure', 'Completed', 90_000);
    const status = await getPod(k, 'on-failure');
    assert.equal(status.status?.phase, 'Succeeded');
    assert.equal(status.status?.containerStatuses?.[0]?.restartCount, 1);
    assert.equal(status.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
    await k.ok(['delete', 'pod', 'on-failure']);
  });

  test('init containers run in order, a native sidecar serves the main container on localhost, the pod succeeds', async () => {
    const mount = '\n      volumeMounts: [{ name: order, mountPath: /order }]';
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'ordered',
        `  restartPolicy: Never
  terminationGracePeriodSeconds: 2
  volumes: [{ name: order, emptyDir: {} }]
  initContainers:${container('first', 'echo first >> /order/log', mount)}${container(
    'sidecar',
    'echo sidecar >> /order/log; exec httpd -f -p 8081 -h /order',
    `${mount}\n      restartPolicy: Always`,
  )}${container('second', 'echo second >> /order/log', mount)}
  containers:${container('main', 'echo main >> /order/log; wget -q -O - http://localhost:8081/log', mount)}`,
      ),
    });
    await waitFor(
      'the pod to succeed',
      async () => (await getPod(k, 'ordered')).status?.phase === 'Succeeded',
    );
    assert.equal(await k.ok(['logs', 'ordered', '-c', 'main']), 'first\nsidecar\nsecond\nmain\n');
    const sidecar = (await getPod(k, 'ordered')).status?.initContainerStatuses?.find(
      (s) => s.name === 'sidecar',
    );
    assert.ok(sidecar?.state?.terminated, 'the sidecar was stopped once the main container was done');
    assert.equal((await columns(k, 'ordered')).status, 'Completed');
    await k.ok(['delete', 'pod', 'ordered']);
  });

  test('a failing init container shows Init:Error, then Init:CrashLoopBackOff, and blocks the rest', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'init-fails',
        `  initContainers:${container('a', 'true')}${container('b', 'exit 1')}${container('c', 'true')}
  containers:${container('main', 'sleep 3600')}`,
      ),
    });
    await waitStatus(k, 'init-fails', 'Init:CrashLoopBackOff', 60_000);
    const status = await getPod(k, 'init-fails');
    assert.equal(status.status?.phase, 'Pending');
    const b = status.status?.initContainerStatuses?.find((s) => s.name === 'b');
    assert.equal(b?.lastState?.terminated?.reason, 'Error');
    assert.equal(
      status.status?.initContainerStatuses?.find((s) => s.name === 'c')?.state?.waiting?.reason,
      'PodInitializing',
    );
    assert.equal(status.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
    await k.ok(['delete', 'pod', 'init-fails', '--grace-period=1']);
  });

  test('CrashLoopBackOff restarts after about 10, 20 and 40 seconds', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod('crashing', `  terminationGracePeriodSeconds: 1\n  containers:${container('c', 'exit 1')}`),
    });
    // Each instance's start as the kubelet recorded it, seen in lastState while the next one waits out its back-off.
    const starts = new Set<number>();
    let sawBackOff = false;
    await waitFor(
      'five instances',
      async () => {
        const c = (await getPod(k, 'crashing')).status?.containerStatuses?.[0];
        if (c?.state?.waiting?.reason === 'CrashLoopBackOff') sawBackOff = true;
        const started = c?.lastState?.terminated?.startedAt;
        if (started) starts.add(Date.parse(started));
        // Instance 4 has run and waits out its back-off: lastState is it, so the newest four starts are 1 to 4
        // (instance 0 is seen only if a poll falls in the moment instance 1 runs).
        return starts.size >= 4 && (c?.restartCount ?? 0) >= 4 && c?.state?.waiting !== undefined;
      },
      150_000,
      500,
    );
    // The first restart is immediate (no back-off entry yet); the next ones wait 10, 20 and 40 s.
    const times = [...starts].sort((a, b) => a - b).slice(-4);
    const gaps = times.slice(1).map((t, i) => (t - times[i]!) / 1000);
    assert.ok(sawBackOff, 'the waiting reason was CrashLoopBackOff');
    assert.ok(gaps[0]! >= 9.5 && gaps[0]! < 16, `restart after ${gaps[0]} s`);
    assert.ok(gaps[1]! >= 19.5 && gaps[1]! < 28, `next restart after ${gaps[1]} s`);
    assert.ok(gaps[2]! >= 39.5 && gaps[2]! < 50, `next restart after ${gaps[2]} s`);
    await k.ok(['delete', 'pod', 'crashing']);
  });

  test('termination messages come from the file, or from the log with FallbackToLogsOnError', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'messages',
        `  restartPolicy: Never
  containers:${container('file', 'printf bye > /dev/termination-log; exit 2')}${container(
    'logs',
    'echo some output; echo last words; exit 1',
    '\n      terminationMessagePolicy: FallbackToLogsOnError',
  )}${container('quiet', 'echo not a message; exit 1')}`,
      ),
    });
    await waitFor('the pod to fail', async () => (await getPod(k, 'messages')).status?.phase === 'Failed');
    const statuses = (await getPod(k, 'messages')).status?.containerStatuses ?? [];
    const message = (name: string) => statuses.find((s) => s.name === name)?.state?.terminated?.message;
    assert.equal(message('file'), 'bye');
    assert.equal(message('logs'), 'some output\nlast words\n');
    assert.equal(message('quiet'), undefined);
    assert.match(await k.ok(['describe', 'pod', 'messages']), /Message:\s+bye/);
    await k.ok(['delete', 'pod', 'messages']);
  });

  test('activeDeadlineSeconds fails the pod with DeadlineExceeded and stops its containers', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'deadline',
        `  activeDeadlineSeconds: 3\n  terminationGracePeriodSeconds: 1\n  containers:${container('c', 'sleep 3600')}`,
      ),
    });
    await waitFor(
      'the pod to fail',
      async () => (await getPod(k, 'deadline')).status?.phase === 'Failed',
      30_000,
    );
    const status = await getPod(k, 'deadline');
    assert.equal(status.status?.reason, 'DeadlineExceeded');
    assert.equal(status.status?.message, 'Pod was active on the node longer than the specified deadline');
    await waitFor(
      'the container to be stopped',
      async () =>
        (await getPod(k, 'deadline')).status?.containerStatuses?.[0]?.state?.terminated !== undefined,
    );
    const events = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=deadline']);
    assert.match(events, /DeadlineExceeded\s+pod\/deadline\s+Pod was active on the node longer/);
    await k.ok(['delete', 'pod', 'deadline']);
  });

  test('a pod bound past the scheduler asking for more CPU than the node has is rejected: OutOfcpu, Failed, never started', async () => {
    // spec.nodeName skips the scheduler (which would keep the pod Pending): the kubelet's admission judges it.
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'too-big',
        `  nodeName: ${NODE_NAME}\n  containers:${container('c', 'sleep 3600', "\n      resources: { requests: { cpu: '1000' } }")}`,
      ),
    });
    await waitStatus(k, 'too-big', 'OutOfcpu', 30_000);
    const status = await getPod(k, 'too-big');
    assert.equal(status.status?.phase, 'Failed');
    assert.match(
      status.status?.message ?? '',
      /^Pod was rejected: Node didn't have enough resource: cpu, requested: 1000000, used: \d+, capacity: \d+$/,
    );
    assert.equal(status.status?.containerStatuses, undefined, 'no container was ever made');
    assert.match(await k.ok(['get', 'pod', 'too-big', '--no-headers']), /^too-big\s+0\/1\s+OutOfcpu\s+0\s/);
    await k.ok(['delete', 'pod', 'too-big']);
  });

  test('deletion: a container handling SIGTERM goes at once, one ignoring it after its grace period', async () => {
    const loop = 'while true; do sleep 0.2; done';
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'polite',
        `  terminationGracePeriodSeconds: 15\n  containers:${container('c', `trap 'exit 0' TERM; ${loop}`)}`,
      ),
    });
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'stubborn',
        `  terminationGracePeriodSeconds: 4\n  containers:${container('c', `trap '' TERM; ${loop}`)}`,
      ),
    });
    await k.ok(['wait', '--for=condition=Ready', 'pod/polite', 'pod/stubborn', '--timeout=60s']);
    const timed = async (name: string) => {
      const started = Date.now();
      await k.ok(['delete', 'pod', name]);
      return (Date.now() - started) / 1000;
    };
    const deleting = Promise.all([timed('polite'), timed('stubborn')]);
    await waitStatus(k, 'stubborn', 'Terminating', 3000);
    const [polite, stubborn] = await deleting;
    // Far below its 15 s grace period; the margin is for a loaded machine.
    assert.ok(polite < 6, `the SIGTERM-handling pod took ${polite} s`);
    assert.ok(stubborn >= 3.5 && stubborn < 10, `the SIGTERM-ignoring pod took ${stubborn} s`);
  });

  test('a container over its memory limit shows OOMKilled', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'hungry',
        `  restartPolicy: Never
  containers:${container('c', 'tail /dev/zero', '\n      resources: { limits: { memory: 16Mi } }')}`,
      ),
    });
    await waitStatus(k, 'hungry', 'OOMKilled', 60_000);
    const terminated = (await getPod(k, 'hungry')).status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(terminated?.exitCode, 137);
    assert.equal((await getPod(k, 'hungry')).status?.phase, 'Failed');
    await k.ok(['delete', 'pod', 'hungry']);
  });

  test('two containers binding one port: the second crash-loops with the address-in-use error in its log', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'same-port',
        `  terminationGracePeriodSeconds: 1
  containers:${container('one', 'exec httpd -f -p 8080')}${container('two', 'exec httpd -f -p 8080')}`,
      ),
    });
    await waitFor('the second container to restart', async () => {
      const two = (await getPod(k, 'same-port')).status?.containerStatuses?.find((s) => s.name === 'two');
      return (two?.restartCount ?? 0) >= 1;
    });
    const log = await k.ok(['logs', 'same-port', '-c', 'two', '--previous']);
    assert.match(log, /Address (already )?in use/);
    const one = (await getPod(k, 'same-port')).status?.containerStatuses?.find((s) => s.name === 'one');
    assert.equal(one?.restartCount, 0);
    assert.ok(one?.state?.running, 'the first container keeps running');
    await k.ok(['delete', 'pod', 'same-port']);
  });
});
