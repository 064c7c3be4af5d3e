// kubectl exec -it on a real terminal, over WebSocket (current kubectl) and SPDY (kubectl 1.27): the container's
// terminal has the client's size and follows it when it changes, the exit code comes back, and nothing of the
// exec is left when the client dies.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, test } from 'node:test';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';
import { instanceProcesses, KubectlTerminal } from './support/kubectl-terminal.js';

const pod = `
apiVersion: v1
kind: Pod
metadata: { name: tty }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: main, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
`;

/** busybox sh's prompt for root. */
const PROMPT = /# $/m;

describe('kubectl exec -it', () => {
  const k = useCluster();
  const runcExecs = () => instanceProcesses(k, 'runc .* exec');

  for (const version of [undefined, '1.27']) {
    const kubectl = version === undefined ? 'the current kubectl (WebSocket)' : `kubectl ${version} (SPDY)`;

    test(`${kubectl} gets a terminal of its size that follows resizes, and the exit code`, async () => {
      await k.ok(['apply', '-f', '-'], { input: pod });
      await k.ok(['wait', '--for=condition=Ready', 'pod/tty', '--timeout=60s']);
      const term = new KubectlTerminal(k, ['exec', '-it', 'tty', '--', 'sh'], {
        version,
        cols: 101,
        rows: 31,
      });
      try {
        await term.expect(PROMPT);
        await term.askUntil('stty size', /^31 101\r?$/m);
        term.resize(123, 45);
        await term.askUntil('stty size', /^45 123\r?$/m);
        await term.askUntil('echo $TERM', /^xterm\r?$/m);
        term.type('exit 3\r');
        assert.equal(await term.exited, 3);
      } finally {
        await term.kill();
      }
      await waitFor('no runc exec left', async () => (await runcExecs()).length === 0, 20_000);
    });
  }

  test('killing the client leaves no runc exec and no process of the exec behind', async () => {
    await k.ok(['apply', '-f', '-'], { input: pod });
    await k.ok(['wait', '--for=condition=Ready', 'pod/tty', '--timeout=60s']);
    const seconds = String(randomInt(100_000, 999_999));
    const term = new KubectlTerminal(k, ['exec', '-it', 'tty', '--', 'sh']);
    try {
      await term.expect(PROMPT);
      // A process that ignores the hangup of its terminal: only a kill by pid ends it.
      term.type(`trap '' HUP; sleep ${seconds} & echo started-$!\r`);
      await term.expect(/started-\d+/);
    } finally {
      await term.kill();
    }
    await waitFor('no runc exec left', async () => (await runcExecs()).length === 0, 20_000);
    await waitFor(
      'the background sleep to be gone',
      async () => !(await k.ok(['exec', 'tty', '--', 'ps', '-o', 'args'])).includes(`sleep ${seconds}`),
    );
    await k.ok(['delete', 'pod', 'tty']);
  });
});
