// kubectl exec over WebSocket (v5.channel.k8s.io): output, stdin, exit codes, and what the containers of a pod
// share (localhost, hostname) and keep apart (PID 1), seen from inside as a user would look.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TEST_IMAGE } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const pod = `
apiVersion: v1
kind: Pod
metadata: { name: duo }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: server, image: ${TEST_IMAGE}, command: ['httpd', '-f', '-p', '127.0.0.1:8080'] }
    - { name: client, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
`;

const waiting = `
apiVersion: v1
kind: Pod
metadata: { name: stuck }
spec:
  containers: [{ name: c, image: localhost:1/missing/image:1 }]
`;

const finished = `
apiVersion: v1
kind: Pod
metadata: { name: finished }
spec:
  restartPolicy: Never
  containers: [{ name: c, image: ${TEST_IMAGE}, command: ['true'] }]
`;

describe('kubectl exec', () => {
  const k = useCluster();

  test('runs commands in a container: output, stdin, stderr and the exit code', async () => {
    await k.ok(['apply', '-f', '-'], { input: pod });
    await k.ok(['wait', '--for=condition=Ready', 'pod/duo', '--timeout=60s']);
    assert.equal(await k.ok(['exec', 'duo', '-c', 'client', '--', 'echo', 'hi']), 'hi\n');
    assert.equal(
      await k.ok(['exec', '-i', 'duo', '-c', 'client', '--', 'tr', 'a-z', 'A-Z'], { input: 'shout\n' }),
      'SHOUT\n',
    );
    const failed = await k.kubectl(['exec', 'duo', '-c', 'client', '--', 'sh', '-c', 'echo bad >&2; exit 3']);
    assert.equal(failed.exitCode, 3);
    assert.match(failed.stderr, /^bad$/m);
    const missing = await k.kubectl(['exec', 'duo', '-c', 'nope', '--', 'true']);
    assert.notEqual(missing.exitCode, 0);
    assert.match(missing.stderr, /container nope is not valid for pod duo/);
    const killed = await k.kubectl(['exec', 'duo', '-c', 'client', '--', 'sh', '-c', 'kill -9 $$']);
    assert.equal(killed.exitCode, 137);
  });

  test('a container that is not running gets the refusal kubelet gives, over WebSocket and SPDY', async () => {
    await k.ok(['apply', '-f', '-'], { input: waiting });
    await k.ok([
      'wait',
      '--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=ErrImagePull',
      'pod/stuck',
    ]);
    for (const version of [undefined, '1.27']) {
      const refused = await k.kubectl(['exec', 'stuck', '--', 'true'], version ? { version } : {});
      assert.equal(refused.exitCode, 1);
      assert.match(refused.stderr, /unable to upgrade connection: container not found \("c"\)/);
    }
    // kubectl itself refuses a finished pod, from the phase the node reported.
    await k.ok(['apply', '-f', '-'], { input: finished });
    await k.ok(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/finished']);
    const over = await k.kubectl(['exec', 'finished', '--', 'true']);
    assert.match(over.stderr, /cannot exec into a container in a completed pod; current phase is Succeeded/);
    assert.equal((await k.kubectl(['exec', 'duo', '-c', 'client', '--', 'true'])).exitCode, 0);
  });

  test('the sharing report is served to remote users at pods/NAME/inspect', async () => {
    const report = JSON.parse(
      await k.ok(['get', '--raw', '/api/v1/namespaces/default/pods/duo/inspect']),
    ) as {
      members: { name: string; namespaces?: Record<string, { sharing: string }> }[];
    };
    assert.deepEqual(
      report.members.map((m) => m.name),
      ['(pause)', 'client', 'server'],
    );
    for (const m of report.members) {
      assert.equal(m.namespaces?.net?.sharing, 'shared', m.name);
      assert.equal(m.namespaces?.pid?.sharing, 'private', m.name);
    }
  });

  test('containers of a pod share localhost and the hostname, and each has its own PID 1', async () => {
    // The server listens on 127.0.0.1 only: the client reaches it because they share the network namespace.
    const reached = await k.kubectl([
      'exec',
      'duo',
      '-c',
      'client',
      '--',
      'wget',
      '-S',
      '-O',
      '/dev/null',
      'http://127.0.0.1:8080/',
    ]);
    assert.match(reached.stderr, /HTTP\/1\.[01] \d{3}/);
    assert.equal(await k.ok(['exec', 'duo', '-c', 'client', '--', 'hostname']), 'duo\n');
    assert.match(await k.ok(['exec', 'duo', '-c', 'server', '--', 'cat', '/proc/1/cmdline']), /^httpd/);
    assert.match(await k.ok(['exec', 'duo', '-c', 'client', '--', 'cat', '/proc/1/cmdline']), /^sleep/);
    await k.ok(['delete', 'pod', 'duo']);
  });
});
