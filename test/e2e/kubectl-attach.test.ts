// kubectl attach, debug -it and run -it: the client joins a running container's stdio through conmon's attach
// socket, its terminal size reaches the container's terminal, going away leaves the container running, and the
// refusals are kubelet's.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster, type Cluster } from './support/cluster.js';
import { KubectlTerminal } from './support/kubectl-terminal.js';

const shell = (name: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sh'], stdin: true, tty: true }
`;

/** busybox sh's prompt for root, maybe followed by a clear-to-end-of-screen when it redraws. */
const PROMPT = /# (\x1b\[J)?$/m;

async function getPod(k: Cluster, name: string): Promise<Pod> {
  return JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
}

async function runningPod(k: Cluster, manifest: string, name: string): Promise<void> {
  await k.ok(['apply', '-f', '-'], { input: manifest });
  await k.ok(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s']);
}

describe('kubectl attach', () => {
  const k = useCluster();

  for (const version of [undefined, '1.27']) {
    const kubectl = version === undefined ? 'the current kubectl (WebSocket)' : `kubectl ${version} (SPDY)`;

    test(`${kubectl} attaches to a shell with a terminal, and detaching leaves it running`, async () => {
      const name = `att-${randomBytes(3).toString('hex')}`;
      await runningPod(k, shell(name), name);
      const term = new KubectlTerminal(k, ['attach', '-it', name], { version, cols: 99, rows: 33 });
      try {
        await term.expect(/If you don't see a command prompt, try pressing enter\./);
        await term.askUntil('echo hi-$((40+2))', /^hi-42\r?$/m);
        await term.askUntil('stty size', /^33 99\r?$/m);
        term.resize(111, 44);
        await term.askUntil('stty size', /^44 111\r?$/m);
      } finally {
        await term.kill();
      }
      // The shell is still there, and still reads its terminal: a second client gets its answers.
      const again = new KubectlTerminal(k, ['attach', '-it', name], { version });
      try {
        await again.askUntil('echo again-$((1+1))', /^again-2\r?$/m);
      } finally {
        await again.kill();
      }
      const pod = await getPod(k, name);
      assert.equal(pod.status?.phase, 'Running');
      assert.equal(pod.status?.containerStatuses?.[0]?.restartCount, 0);
      await k.ok(['delete', 'pod', name]);
    });
  }

  test('the session ends with Success when the container exits, its output delivered', async () => {
    const name = `once-${randomBytes(3).toString('hex')}`;
    await runningPod(
      k,
      `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  restartPolicy: Never
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'read line; echo "got $line"; echo oops >&2']
      stdin: true
      stdinOnce: true
`,
      name,
    );
    const attached = await k.kubectl(['attach', '-i', name], { input: 'yes\n' });
    assert.equal(attached.exitCode, 0, attached.stderr);
    assert.match(attached.stdout, /^got yes$/m);
    assert.match(attached.stderr, /^oops$/m);
    await waitFor('the pod to succeed', async () => (await getPod(k, name)).status?.phase === 'Succeeded');
    await k.ok(['delete', 'pod', name]);
  });

  test('a container that is not running is refused as kubelet refuses it', async () => {
    const name = `gone-${randomBytes(3).toString('hex')}`;
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
    - { name: done, image: ${TEST_IMAGE}, command: ['true'] }
    - { name: up, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
`,
    });
    await waitFor('the first container to finish', async () => {
      const statuses = (await getPod(k, name)).status?.containerStatuses ?? [];
      return statuses.some((s) => s.name === 'done' && s.state?.terminated !== undefined);
    });
    const ws = await k.kubectl(['attach', name, '-c', 'done']);
    assert.notEqual(ws.exitCode, 0);
    assert.match(ws.stderr, /unable to upgrade connection: container not found \("done"\)/);
    const spdy = await k.kubectl(['attach', name, '-c', 'done'], { version: '1.27' });
    assert.notEqual(spdy.exitCode, 0);
    assert.match(spdy.stderr, /unable to upgrade connection: container not found \("done"\)/);
    await k.ok(['delete', 'pod', name]);
  });

  test('kubectl debug -it gets a shell beside its target, seeing its processes', async () => {
    const name = `dbg-${randomBytes(3).toString('hex')}`;
    await runningPod(
      k,
      `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '4242'] }
`,
      name,
    );
    const term = new KubectlTerminal(k, [
      'debug',
      '-it',
      name,
      `--image=${TEST_IMAGE}`,
      '--target=c',
      '--',
      'sh',
    ]);
    try {
      // The shell may print its prompt before kubectl attaches; kubectl's own advice: press enter.
      await term.expect(/try pressing enter/);
      await term.askUntil('', PROMPT);
      await term.askUntil('ps', /sleep 4242/);
      term.type('exit\r');
      assert.equal(await term.exited, 0);
    } finally {
      await term.kill();
    }
    await k.ok(['delete', 'pod', name]);
  });

  test('kubectl run -it --rm gives a shell and removes the pod after it', async () => {
    const name = `run-${randomBytes(3).toString('hex')}`;
    const term = new KubectlTerminal(k, [
      'run',
      name,
      '-it',
      '--rm',
      '--restart=Never',
      `--image=${TEST_IMAGE}`,
      '--',
      'sh',
    ]);
    try {
      await term.expect(/try pressing enter/, 0, 90_000);
      await term.askUntil('', PROMPT);
      await term.askUntil('echo ran-$((6*7))', /^ran-42\r?$/m);
      term.type('exit\r');
      assert.equal(await term.exited, 0);
    } finally {
      await term.kill();
    }
    assert.match(term.output, new RegExp(`pod "${name}" deleted`));
    const gone = await k.kubectl(['get', 'pod', name]);
    assert.match(gone.stderr, /NotFound|not found/);
  });
});
