// Workload abuse (issue 10 §2): pods that attack the node from inside their limits. A fork bomb meets the pod's pids
// limit while the API keeps answering; a log flood is held to its bound by rotation and conmon's cap; hundreds of orphans under a shared
// PID namespace are reaped; a memory bomb is OOM-killed alone; the pod past --max-pods and a pod wanting a host port
// that is taken are refused with the kubelet's reasons. Every figure is measured through kubectl or the host.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { useCluster } from '../e2e/support/cluster.js';
import { NODE_NAME, TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { conmonLogSizeMax } from '../../src/cli/serve-options.js';
import { recordScenario, scale } from './support/report.js';

const PIDS_LIMIT = 1024;
const LOG_MAX_BYTES = 1024 * 1024;
const LOG_MAX_FILES = 3;
const MAX_PODS = scale(8, 110);
const ORPHANS = scale(300, 800);
/** Past one log monitor period (10 s), so the flood is rotated at least once. */
const FLOOD_MS = scale(12_000, 45_000);
const BOMB_MS = scale(8_000, 30_000);
/** "Answers within a few seconds": the worst `kubectl get pods` while the node is under attack. */
const API_LATENCY_BOUND_MS = 5_000;
/** The log dir may exceed its bound by this much: a rotated file and its .gz while it is compressed. */
const LOG_SLACK_BYTES = 4 * 1024 * 1024;

const ZOMBIES =
  'for s in /proc/[0-9]*/stat; do read -r line < $s 2>/dev/null && set -- $line && [ "$3" = Z ] && echo $1; done; true';

const figures = {
  forkBombPidsMax: 0,
  apiWorstLatencyMs: 0,
  logDirMaxBytes: 0,
  zombiesLeft: -1,
  oomKilled: 0,
  outOfPods: false,
  hostPortRefused: false,
};

function podYaml(name: string, spec: string, nodeName?: string): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 1
  ${nodeName ? `nodeName: ${nodeName}` : ''}
${spec}
`;
}

const sleeper = (name: string, nodeName?: string) =>
  podYaml(
    name,
    `  containers:\n    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }`,
    nodeName,
  );

describe('workload abuse', () => {
  const k = useCluster({
    serveArgs: () =>
      Promise.resolve([
        ...['--pod-pids-limit', String(PIDS_LIMIT), '--max-pods', String(MAX_PODS)],
        ...['--container-log-max-size', `${LOG_MAX_BYTES}`, '--container-log-max-files', `${LOG_MAX_FILES}`],
      ]),
  });
  let neighbour: { started: string };

  before(async () => {
    await k.ok(['apply', '-f', '-'], { input: sleeper('neighbour') });
    await k.ok(['wait', '--for=condition=Ready', 'pod/neighbour', '--timeout=90s']);
    neighbour = { started: await startedAt('neighbour') };
  });

  async function jsonpath(pod: string, path: string): Promise<string> {
    return k.ok(['get', 'pod', pod, '-o', `jsonpath=${path}`]);
  }

  async function startedAt(pod: string): Promise<string> {
    return jsonpath(pod, '{.status.containerStatuses[0].state.running.startedAt}');
  }

  async function getPod(name: string): Promise<Pod> {
    return JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
  }

  async function deletePod(name: string): Promise<void> {
    await k.ok(['delete', 'pod', name, '--grace-period=1', '--wait=true', '--timeout=120s']);
  }

  test('a fork bomb stops at the pod pids limit while the API answers and other pods run on', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: podYaml(
        'forkbomb',
        `  containers:\n    - { name: c, image: ${TEST_IMAGE}, command: ['sh', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 3600'] }`,
      ),
    });
    await k.ok(['wait', '--for=condition=Ready', 'pod/forkbomb', '--timeout=90s']);
    const pod = await getPod('forkbomb');
    const pids = podCgroup(k.instance.cgroupParent, pod, 'pids');
    assert.equal((await readFile(join(pids, 'pids.max'), 'utf8')).trim(), String(PIDS_LIMIT));
    const latency = new LatencyProbe(async () => {
      await k.ok(['get', 'pods', '-o', 'name']);
    });
    const until = Date.now() + BOMB_MS;
    try {
      while (Date.now() < until) {
        const current = Number((await readFile(join(pids, 'pids.current'), 'utf8')).trim());
        figures.forkBombPidsMax = Math.max(figures.forkBombPidsMax, current);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      figures.apiWorstLatencyMs = await latency.stop();
    }
    assert.ok(figures.forkBombPidsMax <= PIDS_LIMIT, `pids.current peaked at ${figures.forkBombPidsMax}`);
    assert.ok(
      figures.forkBombPidsMax >= PIDS_LIMIT * 0.9,
      `the bomb reached the limit: ${figures.forkBombPidsMax}`,
    );
    assert.ok(latency.samples > 0, 'the API was asked');
    assert.ok(
      figures.apiWorstLatencyMs < API_LATENCY_BOUND_MS,
      `worst API latency ${figures.apiWorstLatencyMs} ms`,
    );
    assert.equal(await jsonpath('neighbour', '{.status.containerStatuses[0].ready}'), 'true');
    await deletePod('forkbomb');
  });

  // The kubelet's rotation looks every 10 s; between two looks conmon's cap (decision 0041) may start the file over,
  // so a flood is held either way: rotated, or cut at the cap.
  test('a log flood is rotated or cut at its cap, and kubectl logs still reads it', async () => {
    const line = 'x'.repeat(200);
    await k.ok(['apply', '-f', '-'], {
      input: podYaml(
        'flood',
        `  containers:\n    - { name: c, image: ${TEST_IMAGE}, command: ['yes', '${line}'] }`,
      ),
    });
    await k.ok(['wait', '--for=condition=Ready', 'pod/flood', '--timeout=90s']);
    const uid = await jsonpath('flood', '{.metadata.uid}');
    const dir = join(k.instance.dataDir, 'logs', `default_flood_${uid}`);
    const until = Date.now() + FLOOD_MS;
    let rotated = 0;
    let largestLog = 0;
    while (Date.now() < until) {
      const files = await treeFiles(dir);
      rotated = Math.max(rotated, files.filter((f) => !f.path.endsWith('.log')).length);
      for (const f of files.filter((f) => f.path.endsWith('.log'))) largestLog = Math.max(largestLog, f.size);
      const total = files.reduce((sum, f) => sum + f.size, 0);
      figures.logDirMaxBytes = Math.max(figures.logDirMaxBytes, total);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(
      rotated > 0 || largestLog >= LOG_MAX_BYTES,
      `the flood reached neither a rotation nor the rotation size (largest log ${largestLog} B)`,
    );
    // As with the kubelet, a read that lands between a rotation's rename and conmon's reopen, or just after conmon's
    // cut, finds no file or an empty one: a user asks again.
    await waitFor(
      'kubectl logs --tail to print the flood',
      async () => /^x{1,200}$/m.test(await k.ok(['logs', 'flood', '--tail=3'])),
      10_000,
      200,
    );
    await deletePod('flood');
  });

  // The kubelet rotates every 10 s; between two passes conmon cuts a log at its cap, so no file, current or rotated,
  // outgrows that.
  test("the flooded log dir stays within conmon's cap x max-files", () => {
    const bound = conmonLogSizeMax(LOG_MAX_BYTES) * LOG_MAX_FILES + LOG_SLACK_BYTES;
    assert.ok(
      figures.logDirMaxBytes <= bound,
      `log dir peaked at ${figures.logDirMaxBytes} B (bound ${bound})`,
    );
  });

  test('hundreds of orphans under shareProcessNamespace are all reaped', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: podYaml(
        'zombies',
        `  shareProcessNamespace: true\n  containers:\n    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }`,
      ),
    });
    await k.ok(['wait', '--for=condition=Ready', 'pod/zombies', '--timeout=90s']);
    await k.ok(['exec', 'zombies', '--', 'podlet-testhelper', 'orphans', String(ORPHANS)]);
    const zombies = async () =>
      (await k.ok(['exec', 'zombies', '--', 'sh', '-c', ZOMBIES])).split('\n').filter(Boolean).length;
    await waitFor('every orphan reaped', async () => (await zombies()) === 0, 30_000, 500);
    figures.zombiesLeft = await zombies();
    assert.equal(figures.zombiesLeft, 0);
    await deletePod('zombies');
  });

  test('a memory bomb is OOM-killed alone: its neighbour container and the other pods run on', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: podYaml(
        'membomb',
        `  restartPolicy: Never
  containers:
    - { name: main, image: ${TEST_IMAGE}, command: ['sleep', '3600'], resources: { limits: { memory: 64Mi } } }
    - { name: bomb, image: ${TEST_IMAGE}, command: ['podlet-testhelper', 'memhog', '400'], resources: { limits: { memory: 32Mi } } }`,
      ),
    });
    const bomb = await waitFor(
      'the bomb to terminate',
      async () => {
        const statuses = (await getPod('membomb')).status?.containerStatuses ?? [];
        return statuses.find((s) => s.name === 'bomb' && s.state?.terminated)?.state?.terminated;
      },
      90_000,
      500,
    );
    assert.equal(bomb.reason, 'OOMKilled');
    assert.equal(bomb.exitCode, 137);
    const all = JSON.parse(await k.ok(['get', 'pods', '-o', 'json'])) as { items: Pod[] };
    figures.oomKilled = all.items
      .flatMap((p) => p.status?.containerStatuses ?? [])
      .filter(
        (s) => s.state?.terminated?.reason === 'OOMKilled' || s.lastState?.terminated?.reason === 'OOMKilled',
      ).length;
    assert.equal(figures.oomKilled, 1, 'only the bomb was OOM-killed');
    const main = (await getPod('membomb')).status?.containerStatuses?.find((s) => s.name === 'main');
    assert.ok(main?.state?.running, 'main still runs');
    assert.equal(main?.restartCount, 0);
    await deletePod('membomb');
  });

  test('a pod bound to the node wanting a host port another pod holds is refused with NodePorts', async () => {
    const port = randomInt(20_000, 30_000);
    const withPort = (name: string, nodeName?: string) =>
      podYaml(
        name,
        `  containers:\n    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'], ports: [{ containerPort: 80, hostPort: ${port} }] }`,
        nodeName,
      );
    await k.ok(['apply', '-f', '-'], { input: withPort('port-holder') });
    await k.ok(['wait', '--for=condition=Ready', 'pod/port-holder', '--timeout=90s']);
    await k.ok(['apply', '-f', '-'], { input: withPort('port-taker', NODE_NAME) });
    const status = await waitFor('the refusal', async () => {
      const s = (await getPod('port-taker')).status;
      return s?.phase === 'Failed' ? s : undefined;
    });
    assert.equal(status.reason, 'NodePorts');
    assert.equal(
      status.message,
      "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports",
    );
    const events = await k.ok([
      ...['get', 'events', '--field-selector', 'involvedObject.name=port-taker,type=Warning'],
      ...['-o', 'jsonpath={.items[*].reason}'],
    ]);
    assert.match(events, /\bNodePorts\b/);
    figures.hostPortRefused = true;
    await deletePod('port-taker');
    await deletePod('port-holder');
  });

  test('the pod past --max-pods is refused with OutOfpods', async () => {
    const active = async () =>
      (JSON.parse(await k.ok(['get', 'pods', '-o', 'json'])) as { items: Pod[] }).items.filter(
        (p) => !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''),
      ).length;
    const fill = MAX_PODS - (await active());
    const names = Array.from({ length: fill }, (_, i) => `filler-${i}`);
    await k.ok(['apply', '-f', '-'], { input: names.map((n) => sleeper(n)).join('\n---\n') });
    await k.ok(['wait', '--for=condition=Ready', ...names.map((n) => `pod/${n}`), '--timeout=600s']);
    await k.ok(['apply', '-f', '-'], { input: sleeper('one-too-many', NODE_NAME) });
    const status = await waitFor('the refusal', async () => {
      const s = (await getPod('one-too-many')).status;
      return s?.phase === 'Failed' ? s : undefined;
    });
    assert.equal(status.reason, 'OutOfpods');
    assert.equal(
      status.message,
      `Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: ${MAX_PODS}, capacity: ${MAX_PODS}`,
    );
    figures.outOfPods = true;
    await k.ok([
      'delete',
      'pod',
      'one-too-many',
      ...names,
      '--grace-period=1',
      '--wait=true',
      '--timeout=600s',
    ]);
  });

  test('the neighbour pod ran through all of it in its first container', async () => {
    assert.equal(await startedAt('neighbour'), neighbour.started);
    assert.equal(await jsonpath('neighbour', '{.status.containerStatuses[0].restartCount}'), '0');
    await recordScenario({
      scenario: 'workload-abuse',
      description: `fork bomb (pids.max ${PIDS_LIMIT}), log flood (${LOG_MAX_FILES} x ${LOG_MAX_BYTES} B), ${ORPHANS} orphans, memory bomb, pod ${MAX_PODS + 1} of ${MAX_PODS}, a taken hostPort`,
      figures,
    });
  });
});

/** The pod's cgroup directory in one controller's hierarchy (the cgroupfs layout of src/runtime/cgroups/layout.ts). */
function podCgroup(parent: string, pod: Pod, controller: string): string {
  const qos = pod.status?.qosClass ?? 'BestEffort';
  const qosDir = qos === 'Guaranteed' ? '' : qos.toLowerCase();
  // cgroup v2 has one hierarchy: no controller directory.
  const root = existsSync('/sys/fs/cgroup/cgroup.controllers')
    ? '/sys/fs/cgroup'
    : join('/sys/fs/cgroup', controller);
  return join(root, parent, qosDir, `pod${pod.metadata?.uid ?? ''}`);
}

async function treeFiles(dir: string): Promise<{ path: string; size: number }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files: { path: string; size: number }[] = [];
  for (const e of entries.filter((x) => x.isFile())) {
    const path = join(e.parentPath, e.name);
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    files.push({ path, size });
  }
  return files;
}

/** Runs `probe` back to back until stopped; keeps the slowest round trip. */
class LatencyProbe {
  samples = 0;
  private worst = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(probe: () => Promise<void>) {
    this.loop = (async () => {
      while (!this.stopped) {
        const started = Date.now();
        await probe();
        this.worst = Math.max(this.worst, Date.now() - started);
        this.samples++;
      }
    })();
  }

  /** Stops probing; the worst latency seen, in ms. */
  async stop(): Promise<number> {
    this.stopped = true;
    await this.loop;
    return this.worst;
  }
}
