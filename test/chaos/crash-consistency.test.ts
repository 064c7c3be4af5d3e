// Crash consistency (issue 10 §1): a seeded create / update / delete workload of pods through the API, with the
// daemon killed (SIGKILL) at a random moment of each round and restarted on the same data dir. After each restart
// every write the API acknowledged is in the store, every stored pod converges to its spec (the pods that ran
// before keep their very container) and nothing of a gone pod is left on the host.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podlet, TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster, type Cluster } from '../e2e/support/cluster.js';
import { ApiClient } from './support/api-client.js';
import { findOrphans, NO_ORPHANS, type Orphans } from './support/orphans.js';
import { recordScenario, scale } from './support/report.js';

const ROUNDS = scale(2, 20);
const PODS = scale(6, 50);
/** Requests in flight at once, each on a different pod. */
const WORKERS = 4;
const PODS_PATH = '/api/v1/namespaces/default/pods';
const SEED = Number(process.env.PODLET_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** What the store should hold under one pod name. */
type PodModel =
  { present: false } | { present: true; uid: string | undefined; gen: string; deleting: boolean };

interface Write {
  name: string;
  kind: 'create' | 'update' | 'delete';
  gen: string;
  grace: number;
}

/** One write whose answer never came: the store may hold the state before it or after it. */
interface Uncertain {
  before: PodModel;
  after: PodModel;
}

/** mulberry32: small, seedable, good enough to pick operations and delays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function podBody(name: string, gen: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'chaos', gen }, annotations: { 'chaos.podlet.dev/gen': gen } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image: TEST_IMAGE, command: ['sleep', '3600'] }],
    },
  };
}

function observedModel(pod: Pod | undefined): PodModel {
  if (!pod) return { present: false };
  return {
    present: true,
    uid: pod.metadata?.uid,
    gen: pod.metadata?.labels?.gen ?? '',
    deleting: pod.metadata?.deletionTimestamp !== undefined,
  };
}

/** The store holds what the model says; a pod being deleted may already be gone. */
function matches(model: PodModel, seen: PodModel): boolean {
  if (!model.present) return !seen.present;
  if (!seen.present) return model.deleting;
  const uidOk = model.uid === undefined || model.uid === seen.uid;
  return uidOk && model.gen === seen.gen && (seen.deleting || !model.deleting);
}

/** The write's effect on the model once the API acknowledged it. */
function applied(write: Write, before: PodModel, answer: unknown): PodModel {
  const uid = (answer as Pod).metadata?.uid;
  if (write.kind === 'create') return { present: true, uid, gen: write.gen, deleting: false };
  if (!before.present) return before;
  if (write.kind === 'update') return { ...before, gen: write.gen };
  // A grace period of 0 removes the object at once; otherwise it waits for the kubelet.
  return write.grace === 0 ? { present: false } : { ...before, deleting: true };
}

/** Picks the next write for a pod not in flight: create when absent, otherwise update or delete. */
function nextWrite(
  random: () => number,
  models: Map<string, PodModel>,
  busy: Set<string>,
  gen: string,
): Write | undefined {
  const names = [...models.keys()].filter((n) => !busy.has(n));
  for (let tries = 0; tries < 8 && names.length > 0; tries++) {
    const name = names[Math.floor(random() * names.length)] ?? '';
    const model = models.get(name);
    if (!model || (model.present && model.deleting)) continue;
    const roll = random();
    if (!model.present) return { name, kind: 'create', gen, grace: 0 };
    return { name, kind: roll < 0.6 ? 'update' : 'delete', gen, grace: roll < 0.8 ? 1 : 0 };
  }
  return undefined;
}

function send(api: ApiClient, w: Write) {
  if (w.kind === 'create') return api.send('POST', PODS_PATH, podBody(w.name, w.gen));
  if (w.kind === 'delete')
    return api.send('DELETE', `${PODS_PATH}/${w.name}`, { gracePeriodSeconds: w.grace });
  const patch = { metadata: { labels: { gen: w.gen }, annotations: { 'chaos.podlet.dev/gen': w.gen } } };
  return api.send('PATCH', `${PODS_PATH}/${w.name}`, patch, 'application/merge-patch+json');
}

interface RoundOutcome {
  acknowledged: number;
  /** Per pod name: the acknowledged writes since the last check. */
  ackedBy: Map<string, number>;
  uncertain: Map<string, Uncertain>;
}

/** Runs writes with WORKERS in flight until the daemon dies; a write without an answer is uncertain. */
async function runWorkload(
  api: ApiClient,
  random: () => number,
  models: Map<string, PodModel>,
  round: number,
  dead: { value: boolean },
): Promise<RoundOutcome> {
  const outcome: RoundOutcome = { acknowledged: 0, ackedBy: new Map(), uncertain: new Map() };
  const busy = new Set<string>();
  let op = 0;
  const worker = async (): Promise<void> => {
    while (!dead.value && op < PODS * 3) {
      const write = nextWrite(random, models, busy, `r${round}o${op++}`);
      if (!write) return;
      const before = models.get(write.name) ?? { present: false };
      busy.add(write.name);
      try {
        const answer = await send(api, write).catch(() => undefined);
        if (!answer || answer.status >= 500) {
          const after = applied(write, before, {});
          outcome.uncertain.set(write.name, { before, after });
          return;
        }
        if (answer.status >= 300) continue;
        models.set(write.name, applied(write, before, answer.body));
        outcome.acknowledged++;
        outcome.ackedBy.set(write.name, (outcome.ackedBy.get(write.name) ?? 0) + 1);
      } finally {
        busy.delete(write.name);
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return outcome;
}

async function listPods(api: ApiClient): Promise<Pod[]> {
  const answer = await api.send('GET', PODS_PATH);
  assert.equal(answer.status, 200, `listing pods: ${JSON.stringify(answer.body)}`);
  return (answer.body as { items: Pod[] }).items;
}

/** Kills the daemon, starts it on the same data dir and returns a client for its new address. */
async function restart(k: Cluster): Promise<ApiClient> {
  await k.daemon.stop('SIGKILL');
  const addressFile = join(k.instance.dataDir, 'api', 'address');
  await writeFile(addressFile, '');
  k.daemon.start();
  await waitFor(
    'the API address',
    async () => (await readFile(addressFile, 'utf8').catch(() => '')).trim() !== '',
  );
  await writeFile(k.kubeconfig, await podlet(['kubeconfig', '--data-dir', k.instance.dataDir]));
  const api = await ApiClient.fromKubeconfig(k.kubeconfig);
  await waitFor('the API answering', async () => (await api.send('GET', PODS_PATH)).status === 200);
  return api;
}

/** Every acknowledged write is in the store; an unanswered one left either the state before or after it. */
function checkWrites(models: Map<string, PodModel>, outcome: RoundOutcome, pods: Pod[]): number {
  let found = 0;
  for (const [name, model] of models) {
    const seen = observedModel(pods.find((p) => p.metadata?.name === name));
    const uncertain = outcome.uncertain.get(name);
    if (uncertain) {
      const resolved = [uncertain.after, uncertain.before].find((m) => matches(m, seen));
      assert.ok(resolved, `${name}: the store holds ${JSON.stringify(seen)}, neither before nor after`);
      models.set(
        name,
        seen.present && resolved.present ? { ...seen, deleting: resolved.deleting } : resolved,
      );
    } else {
      assert.ok(
        matches(model, seen),
        `${name}: expected ${JSON.stringify(model)}, found ${JSON.stringify(seen)}`,
      );
    }
    // Acknowledged writes before an uncertain one were checked by the one that followed them.
    found += outcome.ackedBy.get(name) ?? 0;
  }
  return found;
}

function runningContainers(pod: Pod): Map<string, string> | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  if (pod.status?.phase !== 'Running' || statuses.length !== names.length) return undefined;
  if (!statuses.every((s) => s.ready && s.state?.running && names.includes(s.name))) return undefined;
  return new Map(statuses.map((s) => [s.name, s.containerID ?? '']));
}

/** Pods being deleted go, every other stored pod runs; returns the pods, by UID, with their container IDs. */
async function waitConverged(api: ApiClient, models: Map<string, PodModel>): Promise<Map<string, Pod>> {
  return waitFor(
    'every pod converged',
    async () => {
      const pods = await listPods(api);
      if (pods.some((p) => p.metadata?.deletionTimestamp || !runningContainers(p))) return undefined;
      for (const pod of pods) {
        const model = models.get(pod.metadata?.name ?? '');
        if (model?.present) models.set(pod.metadata?.name ?? '', observedModel(pod));
      }
      for (const [name, model] of models) {
        if (model.present && model.deleting) models.set(name, { present: false });
      }
      return new Map(pods.map((p) => [p.metadata?.uid ?? '', p]));
    },
    180_000,
    500,
  );
}

function orphanCount(o: Orphans): number {
  return Object.values(o).reduce((n, list: string[]) => n + list.length, 0);
}

describe('crash consistency', () => {
  const k = useCluster();

  test('kill -9 at random points of a pod workload loses no acknowledged write and leaves no orphan', async (t) => {
    process.stdout.write(`crash-consistency seed ${SEED} (PODLET_CHAOS_SEED=${SEED} repeats it)\n`);
    const random = prng(SEED);
    const models = new Map<string, PodModel>(
      Array.from({ length: PODS }, (_, n) => [`chaos-${n}`, { present: false }] as const),
    );
    let api = await ApiClient.fromKubeconfig(k.kubeconfig);
    let acknowledged = 0;
    let found = 0;
    let orphans = 0;
    let kills = 0;
    let running = new Map<string, Pod>();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const roundStart = Date.now();
        const dead = { value: false };
        const delayMs = 50 + Math.floor(random() * 3000);
        const workload = runWorkload(api, random, models, round, dead);
        await new Promise((r) => setTimeout(r, delayMs));
        dead.value = true;
        api.close();
        await k.daemon.stop('SIGKILL');
        kills++;
        const outcome = await workload;
        api = await restart(k);
        const restarted = Date.now();
        acknowledged += outcome.acknowledged;
        found += checkWrites(models, outcome, await listPods(api));
        const converged = await waitConverged(api, models);
        // A pod that ran before the crash runs on in the very same container.
        for (const [uid, pod] of converged) {
          const before = running.get(uid);
          if (before) assert.deepEqual(runningContainers(pod), runningContainers(before), `${uid} kept`);
        }
        running = converged;
        const convergedAt = Date.now();
        const uids = new Set(converged.keys());
        const left = await waitFor(
          'no orphans',
          async () => {
            const o = await findOrphans(k.instance, uids);
            if (process.env.PODLET_CHAOS_DEBUG) t.diagnostic(`${Date.now()} ${JSON.stringify(o)}`);
            return orphanCount(o) === 0 ? o : undefined;
          },
          60_000,
          1000,
        ).catch(async () => findOrphans(k.instance, uids));
        orphans += orphanCount(left);
        t.diagnostic(
          `round ${round}: kill after ${delayMs} ms, ${outcome.acknowledged} writes acknowledged, ` +
            `${outcome.uncertain.size} unanswered; restart ${restarted - roundStart} ms, ` +
            `converged ${convergedAt - restarted} ms, clean ${Date.now() - convergedAt} ms`,
        );
        assert.deepEqual(left, NO_ORPHANS, `round ${round}: nothing of a gone pod is left`);
      }
    } finally {
      api.close();
    }
    await recordScenario({
      scenario: 'crash-consistency',
      description: `kill -9 of the daemon at a random moment of a create/update/delete workload, ${ROUNDS} rounds of ${PODS} pods`,
      figures: {
        seed: SEED,
        rounds: ROUNDS,
        pods: PODS,
        kills,
        writesAcknowledged: acknowledged,
        writesFound: found,
        orphans,
      },
    });
    assert.equal(found, acknowledged);
  });
});
