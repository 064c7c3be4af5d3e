// kubectl port-forward to servers bound to 127.0.0.1 inside a pod: over the WebSocket tunnel of the current kubectl
// (SPDY/3.1+portforward.k8s.io) and over plain SPDY (kubectl 1.27), sequential and concurrent, on two ports, and a
// file of some megabytes byte for byte; once kubectl is gone podlet keeps no dial helper; a port nothing listens on
// gets kubelet's message on the error stream.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { kubectlPath, useCluster, type Cluster } from './support/cluster.js';

const pod = `
apiVersion: v1
kind: Pod
metadata: { name: pf }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: a
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'dd if=/dev/urandom of=/etc/big bs=1M count=8 2>/dev/null && exec httpd -f -p 127.0.0.1:8080 -h /etc']
    - { name: b, image: ${TEST_IMAGE}, command: ['httpd', '-f', '-p', '127.0.0.1:8081', '-h', '/etc'] }
`;

interface Forwarding {
  child: ChildProcess;
  /** Remote port -> local port, as kubectl printed them. */
  ports: Map<number, number>;
  stderr: () => string;
}

async function portForward(
  k: Cluster,
  version: string | undefined,
  remotePorts: number[],
): Promise<Forwarding> {
  const child = spawn(kubectlPath(version), ['port-forward', 'pod/pf', ...remotePorts.map((p) => `:${p}`)], {
    env: { ...process.env, KUBECONFIG: k.kubeconfig, HOME: k.instance.dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const ports = new Map<number, number>();
  await waitFor('kubectl to forward', async () => {
    for (const m of stdout.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g))
      ports.set(Number(m[2]), Number(m[1]));
    if (child.exitCode !== null) throw new Error(`kubectl port-forward exited: ${stderr}`);
    return ports.size === remotePorts.length;
  });
  return { child, ports, stderr: () => stderr };
}

async function get(port: number, path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } });
  assert.equal(res.status, 200);
  return res.text();
}

async function sha256Of(port: number, path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } });
  assert.equal(res.status, 200);
  return createHash('sha256')
    .update(Buffer.from(await res.arrayBuffer()))
    .digest('hex');
}

/** podlet's children that are port-forward dial helpers (netns-dial-child), by pid. */
async function dialHelpers(podletPid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === podletPid && cmdline.includes('netns-dial-child')) pids.push(Number(entry));
  }
  return pids;
}

describe('kubectl port-forward', () => {
  const k = useCluster();

  for (const version of [undefined, '1.27']) {
    test(`kubectl ${version ?? 'current'} reaches localhost servers in the pod: 100 sequential and 10 concurrent requests on two ports, 8 MiB intact, no helper left after`, async () => {
      await k.ok(['apply', '-f', '-'], { input: pod });
      await k.ok(['wait', '--for=condition=Ready', 'pod/pf', '--timeout=60s']);
      const forwarding = await portForward(k, version, [8080, 8081]);
      try {
        const a = forwarding.ports.get(8080)!;
        const b = forwarding.ports.get(8081)!;
        for (let i = 0; i < 100; i++) {
          assert.equal(await get(i % 2 === 0 ? a : b, '/hostname'), 'pf\n');
        }
        const passwd = await get(a, '/passwd');
        const concurrent = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            get(i % 2 === 0 ? a : b, i % 2 === 0 ? '/passwd' : '/hostname'),
          ),
        );
        concurrent.forEach((body, i) => assert.equal(body, i % 2 === 0 ? passwd : 'pf\n'));
        const inPod = await k.ok(['exec', 'pf', '-c', 'a', '--', 'sha256sum', '/etc/big']);
        assert.equal(await sha256Of(a, '/big'), inPod.split(' ')[0]);
        assert.equal((await dialHelpers(k.daemon.pid!)).length, 1, 'one dial helper serves the pod');
      } finally {
        forwarding.child.kill('SIGKILL');
      }
      await waitFor('the dial helper to exit', async () => (await dialHelpers(k.daemon.pid!)).length === 0);
    });
  }

  test('a port nothing listens on gets the kubelet error message', async () => {
    const forwarding = await portForward(k, '1.27', [9999]);
    try {
      await fetch(`http://127.0.0.1:${forwarding.ports.get(9999)}/`).catch(() => undefined);
      await waitFor('the error on kubectl stderr', async () =>
        /error forwarding port 9999 to pod \w+, uid : failed to execute portforward in network namespace "[^"]+": failed to connect to localhost:9999 inside namespace/.test(
          forwarding.stderr(),
        ),
      );
    } finally {
      forwarding.child.kill('SIGKILL');
    }
    await k.ok(['delete', 'pod', 'pf']);
  });
});
