// The API's costs: a list of 1000 pods as Table and as JSON (beside `podman pod ps` over as many pods), watch
// delivery latency to 10 watchers, and ConfigMap creates per second through client-node.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  destroyInstance, newInstance, PodletDaemon, TEST_IMAGE, TEST_IMAGE_ARCHIVE, waitFor,
} from '../test/integration/support/podlet-process.js'; // prettier-ignore
import { call, connect, watch, type Client } from './api-client.js';
import { PodmanPeer } from './podman-peer.js';
import { absolute, summarize, type Figure } from './stats.js';

const PODS = 1000;
const WATCHERS = 10;
const WATCHED_WRITES = 200;
const CREATES = 500;
/** podman serialises pod creates on its database lock, but its start-up work overlaps: 16 at a time is 2.5x faster. */
const PODMAN_CREATE_CONCURRENCY = 16;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export async function apiFigures(runs: number, log: (line: string) => void): Promise<Figure[]> {
  const instance = await newInstance();
  const daemon = new PodletDaemon(instance);
  try {
    daemon.start();
    const client = await connect(instance);
    log(`api: storing ${PODS} pods (bound to another node, so none runs)`);
    await createPods(client);
    const table = await timeList(client, TABLE, runs);
    const json = await timeList(client, 'application/json', runs);
    const podman = await timePodmanList(runs, log);
    log('api: watch latency and create throughput');
    const watch = await watchLatency(client);
    const creates = await createThroughput(client);
    log(`api: ${creates.toFixed(0)} ConfigMap creates/s through client-node`);
    return [
      summarize(`list ${PODS} pods as Table`, table, 'podman pod ps --format json', podman, 1),
      summarize(`list ${PODS} pods as JSON`, json, 'podman pod ps --format json', podman, 1),
      absolute(`list ${PODS} pods as Table (absolute)`, table, 50, 100),
      absolute(`watch delivery, ${WATCHERS} watchers`, watch, 99, 20),
      absolute(`create ConfigMap (client-node, ${creates.toFixed(0)}/s)`, [1000 / creates], 50, 10),
    ];
  } finally {
    await destroyInstance(instance, daemon);
  }
}

async function createPods(client: Client): Promise<void> {
  for (let i = 0; i < PODS; i++) {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `bench-${i}`, labels: { app: 'bench', shard: String(i % 10) } },
      spec: {
        nodeName: 'elsewhere',
        containers: [
          {
            name: 'c',
            image: TEST_IMAGE,
            command: ['sleep', '3600'],
            ports: [{ containerPort: 8080 }],
            env: [{ name: 'A', value: 'b' }],
          },
        ],
      },
    };
    await call(client, 'POST', '/api/v1/namespaces/default/pods', 'application/json', pod);
  }
}

async function timeList(client: Client, accept: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const text = await call(client, 'GET', '/api/v1/namespaces/default/pods', accept);
    times.push(performance.now() - start);
    if (text.length < PODS * 100) throw new Error('the list is shorter than expected');
  }
  return times;
}

async function timePodmanList(runs: number, log: (line: string) => void): Promise<number[]> {
  const peer = await PodmanPeer.create(TEST_IMAGE_ARCHIVE);
  try {
    log(`api: creating ${PODS} podman pods for the peer`);
    await peer.createPods(
      Array.from({ length: PODS }, (_, i) => `bench-${i}`),
      PODMAN_CREATE_CONCURRENCY,
    );
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await peer.listPods();
      times.push(performance.now() - start);
    }
    return times;
  } finally {
    await peer.destroy();
  }
}

/** Time from sending a create to each watcher reading its ADDED event. */
async function watchLatency(client: Client): Promise<number[]> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const rv = JSON.parse(
    await call(client, 'GET', '/api/v1/namespaces/default/configmaps', 'application/json'),
  ).metadata.resourceVersion;
  const path = `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`;
  const streams = await Promise.all(
    Array.from({ length: WATCHERS }, () =>
      watch<{ metadata: { name: string } }>(client, path, (event) => {
        const sent = sentAt.get(event.object.metadata.name);
        if (event.type === 'ADDED' && sent !== undefined) latencies.push(performance.now() - sent);
      }),
    ),
  );
  try {
    for (let i = 0; i < WATCHED_WRITES; i++) {
      const name = `watched-${i}`;
      sentAt.set(name, performance.now());
      await call(client, 'POST', '/api/v1/namespaces/default/configmaps', 'application/json', {
        metadata: { name },
        data: { i: String(i) },
      });
    }
    await waitFor('every event', async () => latencies.length >= WATCHERS * WATCHED_WRITES, 30_000, 10);
  } finally {
    for (const s of streams) s.destroy();
  }
  return latencies;
}

async function createThroughput(client: Client): Promise<number> {
  const config = new KubeConfig();
  config.loadFromFile(client.kubeconfig);
  const api = config.makeApiClient(CoreV1Api);
  const start = performance.now();
  for (let i = 0; i < CREATES; i++) {
    await api.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: `tp-${i}` }, data: { i: String(i) } },
    });
  }
  return CREATES / ((performance.now() - start) / 1000);
}
