// Registry faults (issue 10 §5): a registry that drops the connection mid-blob, serves a truncated blob, stops sending
// in the middle of one, or refuses the credentials. Each fails the pull with a clear message, backs off with growing
// waits, leaves no partial image anywhere, and the pod starts once the registry heals.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Event } from 'kubernetes-types/core/v1.js';
import { RegistryClient } from '../../src/image/registry/client.js';
import { pullImage } from '../../src/image/registry/pull.js';
import { ImageStore } from '../../src/image/store.js';
import { run } from '../../src/util/exec.js';
import { removeTree } from '../../src/util/fs.js';
import { silentLogger } from '../../src/util/log.js';
import { tempDir } from '../unit/image/tar-fixtures.js';
import { podlet, REPO, waitFor } from '../integration/support/podlet-process.js';
import { startRegistry, type TestRegistry } from '../integration/support/registry.js';
import { useCluster } from '../e2e/support/cluster.js';
import { sleeperPod } from '../integration/support/manifests.js';
import { startFaultyRegistry, type FaultyRegistry } from './support/faulty-registry.js';
import { recordScenario, scale } from './support/report.js';

const LAYOUT = join(REPO, 'test', 'fixtures', 'images', 'out', 'busybox.layout');
const FAULTS = ['drop-mid-blob', 'truncate-blob', 'stall-blob', 'unauthorized'] as const;
/** What the pull error says for each fault: the message a user reads in `kubectl describe`. */
const MESSAGES: Record<(typeof FAULTS)[number], RegExp> = {
  'drop-mid-blob': /other side closed|download interrupted/,
  'truncate-blob': /size: expected \d+, got \d+/,
  'stall-blob': /download interrupted: no progress in 2000ms/,
  unauthorized: /rejected the configured credentials/,
};
const PROGRESS_TIMEOUT = '2s';
/** Failed pulls before the registry heals: one shows the first back-off (10 s); the full run shows it grow (20 s, 40 s). */
const FAILURES_BEFORE_HEALING = scale(1, 3);

const figures = { faults: 0, partialImagesVisible: 0, recoveries: 0 };

/** An image of its own per fault (a distinct config blob), so that one fault's recovery does not serve another's pull. */
async function pushVariant(registry: TestRegistry, dir: string, fault: string): Promise<string> {
  const layout = join(dir, `layout-${fault}`);
  await cp(LAYOUT, layout, { recursive: true });
  const label = `podlet.chaos=${fault}-${randomBytes(4).toString('hex')}`;
  await run('umoci', ['config', '--image', `${layout}:latest`, '--config.label', label]);
  await registry.push(`${layout}:latest`, `chaos/${fault}:1`);
  return `chaos/${fault}:1`;
}

describe('registry faults', () => {
  let dir = '';
  let registry: TestRegistry;
  const repositories = new Map<string, string>();
  const proxies = new Map<string, FaultyRegistry>();
  before(async () => {
    dir = await tempDir('chaos-registry');
    registry = await startRegistry(join(dir, 'registry'));
    for (const fault of FAULTS) {
      repositories.set(fault, await pushVariant(registry, dir, fault));
      proxies.set(fault, await startFaultyRegistry(registry.host));
    }
  });
  const k = useCluster({
    serveArgs: async () => {
      const config = join(dir, 'registry-config.json');
      const auth = Buffer.from('chaos:wrong-password').toString('base64');
      const auths = Object.fromEntries([...proxies.values()].map((p) => [p.host, { auth }]));
      await writeFile(config, JSON.stringify({ auths }));
      return [
        ...[...proxies.values()].flatMap((p) => ['--insecure-registry', p.host]),
        '--registry-config',
        config,
        '--image-pull-progress-timeout',
        PROGRESS_TIMEOUT,
      ];
    },
  });
  after(async () => {
    for (const proxy of proxies.values()) await proxy.close();
    await registry?.stop();
    if (dir) await removeTree(dir);
  });

  test('the image store refuses every faulty download, keeps nothing of it, and pulls once the registry heals', async () => {
    const storeDir = join(dir, 'direct-store');
    const store = await ImageStore.open(storeDir, silentLogger);
    for (const fault of FAULTS) {
      const proxy = await startFaultyRegistry(registry.host);
      try {
        const client = new RegistryClient({
          insecureRegistries: [proxy.host],
          credentials: new Map([[proxy.host, { username: 'chaos', password: 'wrong-password' }]]),
          progressTimeoutMs: 2000,
        });
        const image = `${proxy.host}/${repositories.get(fault)}`;
        proxy.fault = fault;
        await assert.rejects(pullImage(store, client, image), MESSAGES[fault]);
        figures.faults += proxy.injected;
        assert.deepEqual(await storedNames(store), [], `no image is named after the ${fault} pull`);
        assert.deepEqual(await readdir(join(storeDir, 'ingest')), [], 'no download is left half-written');
        proxy.fault = 'none';
        assert.deepEqual((await pullImage(store, client, image)).names, [image]);
        figures.recoveries++;
        await store.prune(new Set());
      } finally {
        await proxy.close();
      }
    }
  });

  test('a pod pulling through each fault shows ErrImagePull and backs off, and starts when the registry heals', async () => {
    await Promise.all(FAULTS.map((fault) => podThroughFault(fault)));
    await recordScenario({
      scenario: 'registry-faults',
      description: `a registry that drops, truncates or stalls blobs, or refuses credentials, failing ${FAILURES_BEFORE_HEALING}x per fault before it heals`,
      figures,
    });
    assert.equal(figures.partialImagesVisible, 0);
  });

  /** One pod through one fault: the failures, the back-off between them, no image while failing, then recovery. */
  async function podThroughFault(fault: (typeof FAULTS)[number]): Promise<void> {
    const proxy = proxies.get(fault) as FaultyRegistry;
    const image = `${proxy.host}/${repositories.get(fault)}`;
    const name = `pull-${fault}`;
    proxy.fault = fault;
    await k.ok(['apply', '-f', '-'], { input: sleeperPod(name, image) });
    let checked = 0;
    await waitFor(
      `${FAILURES_BEFORE_HEALING} failed pulls of ${name}`,
      async () => {
        const failed = await failedPulls(name);
        // After each failed pull, the store and the Node are looked at once: a partial image would show there.
        if (failed > checked) figures.partialImagesVisible += await imageVisible(image);
        checked = failed;
        return failed >= FAILURES_BEFORE_HEALING;
      },
      150_000,
      250,
    );
    const state = await waitingState(name);
    assert.ok(['ErrImagePull', 'ImagePullBackOff'].includes(state.reason), `${name}: ${state.reason}`);
    assert.match(state.message, MESSAGES[fault]);
    const reasons = (await events(name)).map((e) => e.reason);
    assert.ok(reasons.includes('BackOff'), `${name} has BackOff events: ${reasons.join(' ')}`);
    figures.faults += proxy.injected;
    proxy.fault = 'none';
    await k.ok(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=180s']);
    figures.recoveries++;
    assertGrowingBackoff(name, proxy.pullsStarted);
  }

  async function failedPulls(pod: string): Promise<number> {
    return (await events(pod))
      .filter((e) => e.reason === 'Failed' && (e.message ?? '').startsWith('Failed to pull image'))
      .reduce((sum, e) => sum + (e.count ?? 1), 0);
  }

  async function events(pod: string): Promise<Event[]> {
    const list = await k.ok([
      'get',
      'events',
      '--field-selector',
      `involvedObject.name=${pod}`,
      '-o',
      'json',
    ]);
    return (JSON.parse(list) as { items: Event[] }).items;
  }

  async function waitingState(pod: string): Promise<{ reason: string; message: string }> {
    const json = await k.ok([
      'get',
      'pod',
      pod,
      '-o',
      'jsonpath={.status.containerStatuses[0].state.waiting}',
    ]);
    return JSON.parse(json) as { reason: string; message: string };
  }

  /** 1 when the image shows in `podlet image ls` or among the Node's images, else 0. */
  async function imageVisible(image: string): Promise<number> {
    const listed = await podlet(['image', 'ls', '--json', '--data-dir', k.instance.dataDir]);
    const nodeImages = await k.ok(['get', 'node', '-o', 'jsonpath={.items[*].status.images[*].names}']);
    return listed.includes(image) || nodeImages.includes(image) ? 1 : 0;
  }
});

/** The waits between pulls (each measured by the registry from one pull's start to the next) grow: 10 s, then 20 s... */
function assertGrowingBackoff(pod: string, started: readonly number[]): void {
  const gaps = started.slice(1).map((t, i) => t - (started[i] as number));
  assert.ok(gaps.length >= FAILURES_BEFORE_HEALING, `${pod}: pulls began at gaps ${gaps.join(', ')} ms`);
  assert.ok((gaps[0] as number) >= 9_500, `${pod}: the first back-off is 10 s, gaps ${gaps.join(', ')} ms`);
  for (let i = 1; i < gaps.length; i++) {
    assert.ok(
      (gaps[i] as number) > (gaps[i - 1] as number),
      `${pod}: back-off grows, gaps ${gaps.join(', ')}`,
    );
  }
}

async function storedNames(store: ImageStore): Promise<string[]> {
  return (await store.list()).flatMap((r) => r.names);
}
