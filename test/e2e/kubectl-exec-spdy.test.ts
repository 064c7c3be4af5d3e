// kubectl exec over SPDY/3.1 (kubectl 1.27 speaks nothing else; later ones with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false):
// output, stdin, exit codes, 10 MB intact, and no `runc exec` left when the client dies mid-stream.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { describe, test } from 'node:test';
import { runUnchecked } from '../../src/util/exec.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { kubectlPath, useCluster, type Cluster } from './support/cluster.js';

const OLD = '1.27';
const pod = `
apiVersion: v1
kind: Pod
metadata: { name: spdy }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: main, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
`;

/** kubectl with its stdout as bytes (binary output would not survive a string). */
function kubectlBytes(k: Cluster, args: string[]): Promise<{ stdout: Buffer; exitCode: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath(OLD), args, {
      env: { ...process.env, KUBECONFIG: k.kubeconfig, HOME: k.instance.dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ stdout: Buffer.concat(chunks), exitCode }));
  });
}

async function processesMatching(pattern: string): Promise<string> {
  return (await runUnchecked('pgrep', ['-af', pattern], { timeoutMs: 10_000 })).stdout.trim();
}

describe('kubectl exec over SPDY', () => {
  const k = useCluster();

  test('kubectl 1.27 gets output, stdin and the exit codes 0 and 3', async () => {
    await k.ok(['apply', '-f', '-'], { input: pod });
    await k.ok(['wait', '--for=condition=Ready', 'pod/spdy', '--timeout=60s']);
    assert.equal(await k.ok(['exec', 'spdy', '--', 'echo', 'hi'], { version: OLD }), 'hi\n');
    assert.equal(await k.ok(['exec', '-i', 'spdy', '--', 'cat'], { version: OLD, input: 'hi\n' }), 'hi\n');
    const failed = await k.kubectl(['exec', 'spdy', '--', 'sh', '-c', 'echo bad >&2; exit 3'], {
      version: OLD,
    });
    assert.equal(failed.exitCode, 3);
    assert.match(failed.stderr, /^bad$/m);
  });

  test('the current kubectl falls back to SPDY when told to, with the same exit codes', async () => {
    const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    const ok = await k.kubectl(['exec', 'spdy', '--', 'echo', 'fallback'], { env });
    assert.equal(ok.stdout, 'fallback\n');
    assert.equal((await k.kubectl(['exec', 'spdy', '--', 'sh', '-c', 'exit 3'], { env })).exitCode, 3);
  });

  test('10 MB of output arrive intact', async () => {
    const made = await k.ok(
      ['exec', 'spdy', '--', 'sh', '-c', 'head -c 10485760 /dev/urandom > /tmp/big && sha256sum /tmp/big'],
      { version: OLD },
    );
    const { stdout, exitCode } = await kubectlBytes(k, ['exec', 'spdy', '--', 'cat', '/tmp/big']);
    assert.equal(exitCode, 0);
    assert.equal(stdout.length, 10485760);
    assert.equal(createHash('sha256').update(stdout).digest('hex'), made.split(' ')[0]);
  });

  test('killing the client mid-stream leaves no runc exec and no process behind', async () => {
    const marker = String(randomInt(100_000, 999_999));
    const client = spawn(kubectlPath(OLD), ['exec', 'spdy', '--', 'sleep', marker], {
      env: { ...process.env, KUBECONFIG: k.kubeconfig, HOME: k.instance.dataDir },
      stdio: 'ignore',
    });
    try {
      await waitFor('the exec to run', async () =>
        / exec .*sleep /.test(await processesMatching(`sleep ${marker}`)),
      );
    } finally {
      client.kill('SIGKILL');
    }
    await waitFor(
      'the exec to be gone',
      async () => (await processesMatching(`sleep ${marker}`)) === '',
      20_000,
    );
    await k.ok(['delete', 'pod', 'spdy']);
  });
});
