// Probes and lifecycle hooks on the node, seen through kubectl: liveness restarts, readiness flips, startup gating,
// postStart before Running, preStop before the stop signal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { kubectlPath, useCluster, type Cluster } from './support/cluster.js';

const pod = (name: string, containerYaml: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 5
  containers:
    - name: c
      image: ${TEST_IMAGE}
${containerYaml}`;

async function getPod(k: Cluster, name: string): Promise<Pod> {
  return JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
}

const ready = async (k: Cluster, name: string) =>
  (await getPod(k, name)).status?.conditions?.find((c) => c.type === 'Ready')?.status;

async function events(k: Cluster, name: string): Promise<string> {
  return k.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json']);
}

describe('probes and hooks through kubectl', { concurrency: true }, () => {
  const k = useCluster();

  test('a failing liveness probe restarts the container with Unhealthy and Killing events', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'liveness',
        `      command: ['sh', '-c', 'touch /tmp/healthy; sleep 4; rm /tmp/healthy; exec sleep 3600']
      livenessProbe:
        exec: { command: ['cat', '/tmp/healthy'] }
        periodSeconds: 1
        failureThreshold: 2
        terminationGracePeriodSeconds: 1`,
      ),
    });
    await waitFor(
      'a restart',
      async () => ((await getPod(k, 'liveness')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
      60_000,
    );
    const list = JSON.parse(await events(k, 'liveness')) as {
      items: { reason: string; message: string }[];
    };
    assert.ok(
      list.items.some(
        (e) =>
          e.reason === 'Unhealthy' &&
          e.message === "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n",
      ),
      JSON.stringify(list.items.map((e) => [e.reason, e.message])),
    );
    assert.ok(
      list.items.some(
        (e) => e.reason === 'Killing' && e.message === 'Container c failed liveness probe, will be restarted',
      ),
    );
    await k.ok(['delete', 'pod', 'liveness', '--grace-period=1']);
  });

  test('an exec probe past its timeout fails as timed out and leaves no process behind', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'slow-probe',
        `      command: ['sleep', '3600']
      readinessProbe:
        exec: { command: ['sleep', '424242'] }
        periodSeconds: 2
        timeoutSeconds: 1`,
      ),
    });
    await waitFor(
      'the timeout event',
      async () =>
        /Readiness probe failed: command \\"sleep 424242\\" timed out/.test(await events(k, 'slow-probe')),
      60_000,
    );
    // Killed on its deadline with what runc exec started: after several periods at most the running probe's
    // command is there, where leaked ones would pile up one per period.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    const ps = await k.ok(['exec', 'slow-probe', '--', 'ps', '-o', 'args']);
    assert.ok((ps.match(/sleep 424242/g) ?? []).length <= 1, ps);
    await k.ok(['delete', 'pod', 'slow-probe', '--grace-period=1']);
  });

  test('a readiness probe flips Ready both ways and never restarts the container', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'readiness',
        `      command: ['sh', '-c', 'mkdir -p /www && echo ok > /www/ready && exec httpd -f -p 8080 -h /www']
      readinessProbe:
        httpGet: { path: /ready, port: 8080 }
        periodSeconds: 1
        failureThreshold: 1`,
      ),
    });
    await k.ok(['wait', '--for=condition=Ready', 'pod/readiness', '--timeout=60s']);
    await k.ok(['exec', 'readiness', '--', 'rm', '/www/ready']);
    await waitFor('Ready to turn False', async () => (await ready(k, 'readiness')) === 'False', 30_000);
    assert.match(
      await k.ok(['get', 'pod', 'readiness', '--no-headers']),
      /^readiness\s+0\/1\s+Running\s+0\s/,
    );
    await k.ok(['exec', 'readiness', '--', 'sh', '-c', 'echo ok > /www/ready']);
    await k.ok(['wait', '--for=condition=Ready', 'pod/readiness', '--timeout=30s']);
    const status = (await getPod(k, 'readiness')).status?.containerStatuses?.[0];
    assert.equal(status?.restartCount, 0);
    assert.match(
      await events(k, 'readiness'),
      /Readiness probe failed: HTTP probe failed with statuscode: 404/,
    );
    await k.ok(['delete', 'pod', 'readiness', '--grace-period=1']);
  });

  test('a startup probe holds started and Ready back until it passes', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'startup',
        `      command: ['sh', '-c', 'sleep 4; exec httpd -f -p 8080']
      startupProbe:
        tcpSocket: { port: 8080 }
        periodSeconds: 1
        failureThreshold: 30`,
      ),
    });
    await waitFor('the container to run', async () => {
      const s = (await getPod(k, 'startup')).status?.containerStatuses?.[0];
      return s?.state?.running !== undefined;
    });
    const early = (await getPod(k, 'startup')).status?.containerStatuses?.[0];
    assert.equal(early?.started, false);
    assert.equal(early?.ready, false);
    await k.ok(['wait', '--for=condition=Ready', 'pod/startup', '--timeout=60s']);
    assert.equal((await getPod(k, 'startup')).status?.containerStatuses?.[0]?.started, true);
    await k.ok(['delete', 'pod', 'startup', '--grace-period=1']);
  });

  test('postStart has finished by the time the container shows Running; a failing one restarts it', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'post-start',
        `      command: ['sleep', '3600']
      lifecycle:
        postStart:
          exec: { command: ['sh', '-c', 'sleep 2; echo hook > /tmp/hook'] }`,
      ),
    });
    await waitFor(
      'Running',
      async () =>
        (await getPod(k, 'post-start')).status?.containerStatuses?.[0]?.state?.running !== undefined,
      60_000,
      100,
    );
    assert.equal(await k.ok(['exec', 'post-start', '--', 'cat', '/tmp/hook']), 'hook\n');
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'post-start-fails',
        `      command: ['sleep', '3600']
      lifecycle:
        postStart:
          exec: { command: ['sh', '-c', 'exit 7'] }`,
      ),
    });
    await waitFor(
      'a restart after the failed hook',
      async () =>
        ((await getPod(k, 'post-start-fails')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
      60_000,
    );
    const list = await events(k, 'post-start-fails');
    assert.match(list, /"reason": "FailedPostStartHook"/);
    assert.match(list, /"message": "FailedPostStartHook"/);
    await k.ok(['delete', 'pod', 'post-start', 'post-start-fails', '--grace-period=1']);
  });

  test('preStop runs before the stop signal, and both before the pod is gone', async () => {
    const loop = 'while true; do sleep 0.2; done';
    await k.ok(['apply', '-f', '-'], {
      input: pod(
        'pre-stop',
        `      command: ['sh', '-c', "trap 'echo got TERM; exit 0' TERM; echo started; ${loop}"]
      lifecycle:
        preStop:
          exec: { command: ['sh', '-c', 'echo pre-stop > /proc/1/fd/1; sleep 1'] }`,
      ),
    });
    await k.ok(['wait', '--for=condition=Ready', 'pod/pre-stop', '--timeout=60s']);
    // logs -f follows the container to its end: it sees what preStop and the TERM handler print.
    const follower = spawn(kubectlPath(), ['logs', '-f', 'pre-stop'], {
      env: { ...process.env, KUBECONFIG: k.kubeconfig, HOME: k.instance.dataDir },
    });
    let log = '';
    follower.stdout.on('data', (d: Buffer) => (log += d.toString()));
    const ended = new Promise((resolve) => follower.on('close', resolve));
    await waitFor('the follower to start', async () => log.includes('started'));
    await k.ok(['delete', 'pod', 'pre-stop']);
    await ended;
    assert.equal(log, 'started\npre-stop\ngot TERM\n');
  });
});
