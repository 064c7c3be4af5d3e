// The daemon itself (issue 9): start to /readyz on an empty data dir and with 50 pods to re-adopt, its resident
// memory idle and with 50 and 100 pods, and the delete of a pod that handles SIGTERM beside `podman kube down`.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  destroyInstance, importTestImage, newInstance, PodletDaemon, TEST_IMAGE, TEST_IMAGE_ARCHIVE, waitFor,
  type Instance,
} from '../test/integration/support/podlet-process.js'; // prettier-ignore
import { call, connect, type Client } from './api-client.js';
import { PodmanPeer } from './podman-peer.js';
import { absolute, summarize, type Figure } from './stats.js';

const PODS = '/api/v1/namespaces/default/pods';
const SETTLE_MS = 3_000;

/** A container that ends as soon as it is asked to: deletion measures the node, not a grace period. */
const GRACEFUL = `
apiVersion: v1
kind: Pod
metadata: { name: graceful }
spec:
  terminationGracePeriodSeconds: 30
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']
`;

function sleeper(name: string): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image: TEST_IMAGE, command: ['sleep', '3600'] }],
    },
  };
}

export async function daemonFigures(runs: number, log: (line: string) => void): Promise<Figure[]> {
  const start = await timeStarts(runs, log);
  const deletes = await timeDeletes(runs, log);
  return [
    absolute('daemon start -> /readyz, empty data dir', start.empty, 50, 1000, 'ms', true),
    absolute('daemon start -> /readyz, 50 pods to re-adopt', start.readopt, 50, 2000, 'ms', true),
    absolute('daemon RSS, idle', [start.rss.idle], 50, 120, 'MB', true),
    absolute('daemon RSS, 50 pods', [start.rss.fifty], 50, 200, 'MB', true),
    absolute('daemon RSS, 100 pods', [start.rss.hundred], 50, 200, 'MB', true),
    summarize('delete a SIGTERM-handling pod', deletes.podlet, 'podman kube down', deletes.podman, 2),
  ];
}

/** Milliseconds from spawning `podlet serve` until /readyz answers 200. */
async function startToReady(instance: Instance, daemon: PodletDaemon): Promise<number> {
  const addressFile = join(instance.dataDir, 'api', 'address');
  await rm(addressFile, { force: true });
  const start = performance.now();
  daemon.start();
  await waitFor('/readyz', async () => (await readyz(instance, addressFile)) === 200, 60_000, 10);
  return performance.now() - start;
}

async function readyz(instance: Instance, addressFile: string): Promise<number | undefined> {
  const base = (await readFile(addressFile, 'utf8').catch(() => '')).trim();
  if (base === '') return undefined;
  const pki = join(instance.dataDir, 'pki');
  const [ca, cert, key] = await Promise.all(
    ['ca.crt', 'admin.crt', 'admin.key'].map((f) => readFile(join(pki, f))),
  );
  return new Promise((resolve) => {
    const req = request(`${base}/readyz`, { ca, cert, key }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

async function rssMegabytes(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN) / 1024;
}

async function createPods(api: Client, from: number, to: number): Promise<void> {
  await Promise.all(
    Array.from({ length: to - from }, (_, i) =>
      call(api, 'POST', PODS, 'application/json', sleeper(`p-${from + i}`)),
    ),
  );
  await waitFor(
    `${to} pods running`,
    async () => {
      const list = JSON.parse(await call(api, 'GET', PODS, 'application/json')) as {
        items: { status?: { phase?: string } }[];
      };
      return list.items.filter((p) => p.status?.phase === 'Running').length === to;
    },
    300_000,
    200,
  );
}

async function timeStarts(runs: number, log: (line: string) => void) {
  const instance = await newInstance();
  let daemon = new PodletDaemon(instance);
  let api: Client | undefined;
  try {
    await importTestImage(instance);
    const empty: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A fresh data dir each time but the image: the API's state and PKI are made anew.
      await rm(join(instance.dataDir, 'api'), { recursive: true, force: true });
      await rm(join(instance.dataDir, 'pki'), { recursive: true, force: true });
      empty.push(await startToReady(instance, daemon));
      await daemon.stop();
      daemon = new PodletDaemon(instance);
      log(`daemon: start -> /readyz, empty ${i + 1}/${runs}: ${empty.at(-1)!.toFixed(0)} ms`);
    }
    await startToReady(instance, daemon);
    api = await connect(instance);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const idle = await rssMegabytes(daemon.pid);
    await createPods(api, 0, 50);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const fifty = await rssMegabytes(daemon.pid);
    const readopt: number[] = [];
    for (let i = 0; i < runs; i++) {
      await daemon.stop();
      daemon = new PodletDaemon(instance);
      readopt.push(await startToReady(instance, daemon));
      log(`daemon: start -> /readyz, 50 pods ${i + 1}/${runs}: ${readopt.at(-1)!.toFixed(0)} ms`);
    }
    api = await connect(instance);
    await createPods(api, 50, 100);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const hundred = await rssMegabytes(daemon.pid);
    log(
      `daemon: RSS idle ${idle.toFixed(0)} MB, 50 pods ${fifty.toFixed(0)} MB, 100 pods ${hundred.toFixed(0)} MB`,
    );
    return { empty, readopt, rss: { idle, fifty, hundred } };
  } finally {
    if (api) await deleteAll(api).catch(() => undefined);
    await destroyInstance(instance, daemon);
  }
}

async function deleteAll(api: Client): Promise<void> {
  await call(api, 'DELETE', `${PODS}?gracePeriodSeconds=1`, 'application/json');
  await waitFor(
    'pods gone',
    async () =>
      (JSON.parse(await call(api, 'GET', PODS, 'application/json')) as { items: unknown[] }).items.length ===
      0,
    300_000,
    100,
  );
}

async function timeDeletes(runs: number, log: (line: string) => void) {
  const instance = await newInstance();
  const daemon = new PodletDaemon(instance);
  const manifest = join(tmpdir(), `podlet-bench-graceful-${process.pid}.yaml`);
  const peer = await PodmanPeer.create(TEST_IMAGE_ARCHIVE);
  let api: Client | undefined;
  try {
    await importTestImage(instance);
    daemon.start();
    api = await connect(instance);
    await writeFile(manifest, GRACEFUL);
    const podlet: number[] = [];
    const podman: number[] = [];
    for (let i = 0; i < runs; i++) {
      await call(api, 'POST', PODS, 'application/json', parse(GRACEFUL));
      await waitFor('graceful running', async () => (await phase(api!)) === 'Running', 60_000, 20);
      const start = performance.now();
      await call(api, 'DELETE', `${PODS}/graceful`, 'application/json');
      await waitFor('graceful gone', async () => (await phase(api!)) === undefined, 60_000, 10);
      podlet.push(performance.now() - start);
      await peer.play(manifest);
      const down = performance.now();
      await peer.down(manifest);
      podman.push(performance.now() - down);
      log(
        `daemon: delete ${i + 1}/${runs}: podlet ${podlet.at(-1)!.toFixed(0)} ms, podman ${podman.at(-1)!.toFixed(0)} ms`,
      );
    }
    return { podlet, podman };
  } finally {
    if (api) await deleteAll(api).catch(() => undefined);
    await destroyInstance(instance, daemon);
    await peer.destroy();
    await rm(manifest, { force: true });
  }
}

/** The pod's phase, or undefined once it is gone. */
async function phase(api: Client): Promise<string | undefined> {
  try {
    const pod = JSON.parse(await call(api, 'GET', `${PODS}/graceful`, 'application/json')) as {
      status?: { phase?: string };
    };
    return pod.status?.phase ?? 'Pending';
  } catch (e) {
    if (/: 404 /.test((e as Error).message)) return undefined;
    throw e;
  }
}
