// The kubelet through the API (issue 6): a two-container pod from create to Ready, 50 pods from create to all
// Running, beside `podman kube play` of the same manifests; the daemon's CPU with those 50 pods idle, and the host
// memory each of those pods costs beside podman's.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseAllDocuments } from 'yaml';
import {
  destroyInstance, importTestImage, newInstance, PodletDaemon, TEST_IMAGE_ARCHIVE, waitFor,
} from '../test/integration/support/podlet-process.js'; // prettier-ignore
import { call, connect, watch, type Client } from './api-client.js';
import { PodmanPeer } from './podman-peer.js';
import { podmanPlayTimes, READY_RUNS_FACTOR, STARTUP_MANIFEST } from './pod-startup.js';
import { cpuSeconds } from './proc-stat.js';
import { perPodMegabytes, podOverhead, pssKb, readProcesses } from './memory.js';
import { absolute, summarize, type Figure } from './stats.js';

const MANY = 50;
const IDLE_SETTLE_MS = 5_000;
const IDLE_SAMPLE_MS = 10_000;
const PODS = '/api/v1/namespaces/default/pods';
const READY_TIMEOUT_MS = 60_000;

export async function kubeletFigures(runs: number, log: (line: string) => void): Promise<Figure[]> {
  const template = parseAllDocuments(await readFile(STARTUP_MANIFEST, 'utf8'))[0]?.toJS() as Pod;
  const readyRuns = runs * READY_RUNS_FACTOR;
  const podlet = await timePodlet(template, readyRuns, log);
  const podman = { one: await podmanPlayTimes(readyRuns, log), ...(await timePodmanMany(template, log)) };
  const memory = {
    // A garbage collection between the two readings can free more than 50 pods cost: that counts as no growth.
    podlet: perPodMegabytes(podlet.overhead, MANY, Math.max(0, podlet.daemonDeltaKb)),
    podman: perPodMegabytes(podman.overhead, MANY),
  };
  return [
    summarize('create -> Ready, 2 containers (API)', podlet.ready, 'podman kube play', podman.one, 3),
    summarize(
      `create ${MANY} pods -> all Running (API)`,
      [podlet.many],
      'podman kube play',
      [podman.many],
      3,
    ),
    absolute(`daemon CPU, ${MANY} idle pods`, [podlet.idleCpuPercent], 50, 2, '%'),
    {
      ...summarize(
        `host memory per pod (PSS), ${MANY} pods`,
        [memory.podlet.total],
        'podman kube play',
        [memory.podman.total],
        1,
        'MB',
      ),
      parts: { podlet: memory.podlet.parts, peer: memory.podman.parts },
    },
  ];
}

function named(template: Pod, name: string): Pod {
  return { ...template, metadata: { ...template.metadata, name } };
}

async function timePodlet(template: Pod, runs: number, log: (line: string) => void) {
  const instance = await newInstance();
  const daemon = new PodletDaemon(instance);
  let client: Client | undefined;
  try {
    await importTestImage(instance);
    daemon.start();
    const api = await connect(instance);
    client = api;
    const ready: number[] = [];
    for (let i = 0; i < runs; i++) {
      ready.push(await createToReady(api, named(template, 'bench')));
      await deleteAll(api);
      log(`kubelet: podlet create -> Ready ${i + 1}/${runs}: ${ready.at(-1)!.toFixed(0)} ms`);
    }
    const daemonBeforeKb = await pssKb(daemon.pid ?? 0);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: MANY }, (_, i) =>
        call(api, 'POST', PODS, 'application/json', named(template, `bench-${i}`)),
      ),
    );
    await waitFor('all Running', async () => (await running(api)) === MANY, 300_000, 100);
    const many = performance.now() - start;
    log(`kubelet: podlet ${MANY} pods -> Running: ${many.toFixed(0)} ms; sampling idle CPU`);
    const idleCpuPercent = await cpuPercent(daemon.pid ?? 0);
    const overhead = podOverhead(await readProcesses(), instance.dataDir, instance.cgroupParent);
    const daemonDeltaKb = (await pssKb(daemon.pid ?? 0)) - daemonBeforeKb;
    log(
      `kubelet: podlet ${overhead.conmons} conmons, ${overhead.pauses} pauses, daemon +${daemonDeltaKb} kB`,
    );
    return { ready, many, idleCpuPercent, overhead, daemonDeltaKb };
  } finally {
    // Also after a failure: API pods go through the API, so that the node stops them before the teardown.
    if (client) await deleteAll(client).catch(() => undefined);
    await destroyInstance(instance, daemon);
  }
}

/**
 * Milliseconds from sending the pod's create to a watch event showing it Ready, as `kubectl wait
 * --for=condition=Ready` sees it: a watch opened before the create (a poll would add its interval and its own load).
 */
async function createToReady(client: Client, pod: Pod): Promise<number> {
  const list = JSON.parse(await call(client, 'GET', PODS, 'application/json')) as {
    metadata: { resourceVersion: string };
  };
  const name = pod.metadata?.name ?? '';
  const path = `${PODS}?watch=true&fieldSelector=metadata.name%3D${name}&resourceVersion=${list.metadata.resourceVersion}`;
  let ready: (at: number) => void = () => undefined;
  const readyAt = new Promise<number>((resolve) => (ready = resolve));
  const stream = await watch<Pod>(client, path, (event) => {
    if (isReady(event.object)) ready(performance.now());
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const start = performance.now();
    await call(client, 'POST', PODS, 'application/json', pod);
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${name} not Ready within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
    });
    return (await Promise.race([readyAt, timedOut])) - start;
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

async function running(client: Client): Promise<number> {
  const list = JSON.parse(await call(client, 'GET', PODS, 'application/json')) as { items: Pod[] };
  return list.items.filter((p) => p.status?.phase === 'Running').length;
}

async function deleteAll(client: Client): Promise<void> {
  await call(client, 'DELETE', `${PODS}?gracePeriodSeconds=1`, 'application/json');
  await waitFor(
    'pods gone',
    async () =>
      (JSON.parse(await call(client, 'GET', PODS, 'application/json')) as { items: Pod[] }).items.length ===
      0,
    120_000,
    50,
  );
}

/** The daemon's user+system CPU over a quiet interval, as a percentage of one core. */
async function cpuPercent(pid: number): Promise<number> {
  // The last pods' status writes and first probes follow their Running: let them pass before counting.
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  const before = (await cpuSeconds(pid)).self;
  await new Promise((r) => setTimeout(r, IDLE_SAMPLE_MS));
  const used = (await cpuSeconds(pid)).self - before;
  return (used / (IDLE_SAMPLE_MS / 1000)) * 100;
}

async function timePodmanMany(template: Pod, log: (line: string) => void) {
  const peer = await PodmanPeer.create(TEST_IMAGE_ARCHIVE);
  const many = join(tmpdir(), `podlet-bench-many-${process.pid}.yaml`);
  try {
    const docs = Array.from({ length: MANY }, (_, i) => JSON.stringify(named(template, `bench-${i}`)));
    await writeFile(many, docs.join('\n---\n'));
    const start = performance.now();
    await peer.play(many);
    const manyMs = performance.now() - start;
    log(`kubelet: podman kube play of ${MANY} pods: ${manyMs.toFixed(0)} ms`);
    const overhead = podOverhead(await readProcesses(), peer.marker);
    log(`kubelet: podman ${overhead.conmons} conmons, ${overhead.pauses} infra containers`);
    await peer.removePods();
    return { many: manyMs, overhead };
  } finally {
    await rm(many, { force: true });
    await peer.destroy();
  }
}
