// Day-two streams (issue 8): `kubectl exec pod -- true` beside `podman exec`, and a 100 MB download through
// `kubectl port-forward` beside the same download straight from the pod's IP.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  destroyInstance, importTestImage, newInstance, PodletDaemon, TEST_IMAGE, TEST_IMAGE_ARCHIVE, waitFor,
} from '../test/integration/support/podlet-process.js'; // prettier-ignore
import { run } from '../src/util/exec.js';
import { connect } from './api-client.js';
import { PodmanPeer } from './podman-peer.js';
import { STARTUP_MANIFEST } from './pod-startup.js';
import { formatFigures, summarize, type Figure } from './stats.js';

const SIZE_MB = 100;
const FORWARD_PORT = 18093;

const server = `
apiVersion: v1
kind: Pod
metadata: { name: big }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: web
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'mkdir -p /www && dd if=/dev/zero of=/www/big bs=1M count=${SIZE_MB} 2>/dev/null && exec httpd -f -p 8080 -h /www']
`;

export async function streamFigures(runs: number, log: (line: string) => void): Promise<Figure[]> {
  const podlet = await timePodlet(runs, log);
  const podman = await timePodmanExec(runs, log);
  return [
    summarize('kubectl exec pod -- true', podlet.exec, 'podman exec', podman, 1 / 1.5),
    summarize(
      `${SIZE_MB} MB through kubectl port-forward`,
      podlet.forward,
      'direct to the pod IP',
      podlet.direct,
      0.5,
    ),
  ];
}

async function timePodlet(runs: number, log: (line: string) => void) {
  const instance = await newInstance();
  const daemon = new PodletDaemon(instance);
  const env = { ...process.env, KUBECONFIG: join(instance.dataDir, 'kubeconfig'), HOME: instance.dataDir };
  const kubectl = (args: string[], input?: string) =>
    run('kubectl', args, { env, timeoutMs: 120_000, ...(input ? { input } : {}) });
  try {
    await importTestImage(instance);
    daemon.start();
    await connect(instance);
    await kubectl(['apply', '-f', STARTUP_MANIFEST]);
    await kubectl(['apply', '-f', '-'], server);
    await kubectl(['wait', '--for=condition=Ready', 'pod/bench', 'pod/big', '--timeout=120s']);
    const exec: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await kubectl(['exec', 'bench', '-c', 'sleeper', '--', 'true']);
      exec.push(performance.now() - start);
    }
    log(`streams: kubectl exec p50 over ${runs} runs done`);
    const podIP = (await kubectl(['get', 'pod', 'big', '-o', 'jsonpath={.status.podIP}'])).stdout;
    const direct: number[] = [];
    const forward: number[] = [];
    const forwarder = spawn('kubectl', ['port-forward', 'pod/big', `${FORWARD_PORT}:8080`], { env });
    const cpu = { kubectl: 0, podlet: 0 };
    try {
      let out = '';
      forwarder.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor('the port-forward', async () => out.includes('Forwarding from'));
      for (let i = 0; i < Math.max(3, Math.round(runs / 4)); i++) {
        direct.push(await download(`http://${podIP}:8080/big`));
        const before = { kubectl: cpuMs(forwarder.pid), podlet: cpuMs(daemon.pid) };
        forward.push(await download(`http://127.0.0.1:${FORWARD_PORT}/big`));
        cpu.kubectl += cpuMs(forwarder.pid) - before.kubectl;
        cpu.podlet += cpuMs(daemon.pid) - before.podlet;
      }
    } finally {
      forwarder.kill();
    }
    // Where the time of a forwarded download goes: kubectl and podlet share the machine's cores with the client.
    const perDownload = (ms: number) => Math.round(ms / forward.length);
    log(
      `streams: ${direct.length} downloads each way; CPU per ${SIZE_MB} MB forwarded: kubectl ${perDownload(cpu.kubectl)} ms, podlet ${perDownload(cpu.podlet)} ms`,
    );
    return { exec, direct, forward };
  } finally {
    // API pods go through the API, so that the node stops them before the instance is torn down.
    await kubectl(['delete', 'pods', '--all', '--grace-period=1', '--wait=true']).catch(() => undefined);
    await destroyInstance(instance, daemon);
  }
}

/** User plus system CPU milliseconds a process has used (clock ticks of 10 ms), 0 once it is gone. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Milliseconds to read the whole body. */
function download(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    get(url, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () =>
        bytes === SIZE_MB * 1024 * 1024
          ? resolve(performance.now() - start)
          : reject(new Error(`${url}: ${bytes} bytes`)),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function timePodmanExec(runs: number, log: (line: string) => void): Promise<number[]> {
  const peer = await PodmanPeer.create(TEST_IMAGE_ARCHIVE);
  try {
    await peer.play(STARTUP_MANIFEST);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await peer.exec('bench-sleeper', ['true']);
      times.push(performance.now() - start);
    }
    log(`streams: podman exec over ${runs} runs done`);
    await peer.down(STARTUP_MANIFEST);
    return times;
  } finally {
    await peer.destroy();
  }
}

// `node dist/bench/streams.js [--runs N]`: these figures alone, without the rest of `npm run bench`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf('--runs');
  const runs = flag > 0 ? Number(process.argv[flag + 1]) : 5;
  const figures = await streamFigures(runs, (line) => void process.stderr.write(`${line}\n`));
  process.stdout.write(`${formatFigures(figures)}\n`);
}
