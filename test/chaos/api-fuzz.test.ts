// Issue 10 §3: the API under random and hostile input, and kube-apiserver's limits. A real `podlet serve` gets
// fast-check operations over raw HTTPS; after each, no 5xx, the daemon alive, a refused request changed nothing,
// acknowledged resourceVersions only grow; at the end, watches opened at the start saw every change once, in order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  destroyInstance,
  newInstance,
  NOTHING_LEFT,
  PodletDaemon,
  waitFor,
  type Instance,
} from '../integration/support/podlet-process.js';
import { operation } from './support/api-fuzz-arbitraries.js';
import { call, connectAdmin, json, type ApiClient } from './support/api-fuzz-client.js';
import { ApiFuzzer } from './support/api-fuzz-runner.js';
import {
  heavyConfigMap,
  holdMutatingSeat,
  holdReadOnlySeat,
  largestAccepted,
  paddedConfigMap,
  serviceAccountToken,
} from './support/api-limits.js';
import { recordScenario, scale } from './support/report.js';

const MIB = 1024 * 1024;

interface Fixture {
  instance: Instance;
  daemon: PodletDaemon;
  client: ApiClient;
}

/** One podlet for a suite (no image: no pod ever runs), and afterwards nothing left on the host. */
function usePodletApi(serveArgs: string[] = []): Fixture {
  const fixture = {} as Fixture;
  before(async () => {
    fixture.instance = await newInstance();
    fixture.daemon = new PodletDaemon(fixture.instance, serveArgs);
    fixture.daemon.start();
    fixture.client = await connectAdmin(fixture.instance);
  });
  after(async () => {
    fixture.client?.agent.destroy();
    const left = await destroyInstance(fixture.instance, fixture.daemon);
    assert.deepEqual(left, NOTHING_LEFT, 'nothing is left behind on the host');
  });
  return fixture;
}

function alive(daemon: PodletDaemon): boolean {
  const pid = daemon.pid;
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The daemon's error lines (pino level 50 and up), the last few, for a post-mortem in the failure message. */
function lastErrors(log: string): string {
  return log
    .split('\n')
    .filter((l) => /"level":(5|6)0/.test(l))
    .slice(-5)
    .map((l) => l.slice(0, 2000))
    .join('\n');
}

async function createNamespace(client: ApiClient, name: string): Promise<void> {
  const reply = await call(client, 'POST', '/api/v1/namespaces', json({ metadata: { name } }));
  assert.equal(reply.status, 201, reply.text);
  // Pods need the namespace's default ServiceAccount, which the namespace controller makes.
  await waitFor(`the default service account in ${name}`, async () => {
    return (await call(client, 'GET', `/api/v1/namespaces/${name}/serviceaccounts/default`)).status === 200;
  });
}

describe('API fuzzing', { timeout: 900_000 }, () => {
  const f = usePodletApi();

  test('random and malformed requests never get a 5xx, change nothing when refused, and watches miss nothing', async () => {
    const working = ['fz-work-a', 'fz-work-b'];
    for (const ns of working) await createNamespace(f.client, ns);
    const fuzzer = new ApiFuzzer(f.client, [...working, 'default', 'fz-absent'], () => alive(f.daemon));
    await fuzzer.start();
    const seed = Number(process.env.PODLET_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const operations = fc.sample(operation, { numRuns: scale(300, 5000), seed });
    try {
      for (const op of operations) await fuzzer.run(op);
      await fuzzer.finish();
    } catch (e) {
      throw new Error(`seed ${seed}: ${String(e)}\npodlet's last errors:\n${lastErrors(f.daemon.log)}`, {
        cause: e,
      });
    }
    const figures = fuzzer.figures;
    await recordScenario({
      scenario: 'api-fuzz',
      description: `${figures.cases} fast-check cases (objects, every patch type, raw bodies, queries, conflicts) against the API`,
      figures: {
        cases: figures.cases,
        requests: figures.requests,
        patches: figures.patches,
        fiveHundreds: figures.fiveHundreds,
        rejectedThatChangedStore: figures.rejectedThatChangedStore,
        watchEvents: figures.watchEvents,
        skippedOrDuplicated: figures.skippedOrDuplicated,
      },
    });
    const report = `seed ${seed} (PODLET_FUZZ_SEED to replay):\n${fuzzer.findings.join('\n')}`;
    assert.equal(figures.fiveHundreds, 0, report);
    assert.equal(figures.rejectedThatChangedStore, 0, report);
    assert.equal(figures.wrongAcceptances, 0, report);
    assert.equal(figures.nonIncreasingVersions, 0, report);
    assert.equal(figures.conflictViolations, 0, report);
    assert.equal(figures.skippedOrDuplicated, 0, report);
    assert.ok(figures.watchEvents > 0, 'the watches saw the writes');
    assert.ok(alive(f.daemon), 'podlet is still running');
  });
});

describe('API limits', { timeout: 300_000 }, () => {
  const f = usePodletApi(['--max-requests-inflight', '2', '--max-mutating-requests-inflight', '1']);

  test('refuses bodies over 3 MiB, objects over 1.5 MiB, and requests over the in-flight limits', async () => {
    const ns = 'fz-limits';
    await createNamespace(f.client, ns);
    const path = `/api/v1/namespaces/${ns}/configmaps`;

    const body = await largestAccepted(3 * MIB - 4096, 3 * MIB + 4096, (n) =>
      call(f.client, 'POST', `${path}?dryRun=All`, {
        body: paddedConfigMap('padded', n),
        contentType: 'application/json',
      }),
    );
    assert.equal(body.largest, 3 * MIB, 'the body limit is kube-apiserver’s 3 MiB');
    assert.equal((body.refusal.json as { reason?: string }).reason, 'RequestEntityTooLarge');

    let n = 0;
    const sizes = new Map<number, number>();
    const object = await largestAccepted(1000, 5000, async (labels) => {
      const name = `heavy-${n++}`;
      const reply = await call(f.client, 'POST', path, json(heavyConfigMap(name, labels)));
      if (reply.status === 201) {
        const stored = await call(f.client, 'GET', `${path}/${name}`);
        sizes.set(labels, Buffer.byteLength(stored.text));
        await call(f.client, 'DELETE', `${path}/${name}`);
      } else {
        assert.equal(
          (await call(f.client, 'GET', `${path}/${name}`)).status,
          404,
          'a refused object is not stored',
        );
      }
      return reply;
    });
    const objectLimitBytes = sizes.get(object.largest) ?? 0;
    assert.ok(
      objectLimitBytes <= 1.5 * MIB && objectLimitBytes > 1.5 * MIB - 200,
      `largest object ${objectLimitBytes}`,
    );
    assert.equal(object.refusal.status, 413);
    assert.equal((object.refusal.json as { message?: string }).message, 'etcdserver: request is too large');

    const token = await serviceAccountToken(f.client, ns, 'limited');
    const review = () =>
      call(f.client, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        ...json({ spec: { resourceAttributes: { verb: 'get', resource: 'pods', namespace: ns } } }),
        token,
      });
    let refused = 0;
    const mutating = holdMutatingSeat(f.client, path);
    const first = await waitFor('a mutating request refused', async () => {
      const r = await review();
      return r.status === 429 ? r : undefined;
    });
    assert.equal(first.headers['retry-after'], '1');
    assert.equal(first.text, 'Too many requests, please try again later.\n');
    const burst = await Promise.all(Array.from({ length: 20 }, review));
    refused += 1 + burst.filter((r) => r.status === 429).length;
    assert.equal(burst.filter((r) => r.status !== 429).length, 0, 'every request over the limit is refused');
    const admin = await call(f.client, 'POST', `${path}?dryRun=All`, json({ metadata: { name: 'admin' } }));
    assert.equal(admin.status, 201, 'system:masters is never refused');
    const watch = await call(f.client, 'GET', `/api/v1/namespaces/${ns}/configmaps?watch=true`, {
      token,
      headersOnly: true,
    });
    assert.notEqual(watch.status, 429, 'a watch holds no seat');
    await mutating.release();
    await waitFor('the seat freed', async () => (await review()).status === 201);

    for (let i = 0; i < 6; i++) {
      const big = { metadata: { name: `bulk-${i}` }, data: { k: 'x'.repeat(1_000_000) } };
      assert.equal((await call(f.client, 'POST', path, json(big))).status, 201);
    }
    const readers = [holdReadOnlySeat(f.client, path), holdReadOnlySeat(f.client, path)];
    try {
      await waitFor('a read refused', async () => {
        const r = await call(f.client, 'GET', `${path}/bulk-0`, { token });
        if (r.status === 429) refused += 1;
        return r.status === 429;
      });
    } finally {
      for (const r of readers) r.release();
    }
    await waitFor(
      'the read seats freed',
      async () => (await call(f.client, 'GET', `${path}/bulk-0`, { token })).status !== 429,
    );

    await recordScenario({
      scenario: 'api-limits',
      description:
        'request body and object size bisected, in-flight seats held open by a slow writer and stalled readers',
      figures: { bodyLimitBytes: body.largest, objectLimitBytes, inflight429s: refused },
    });
    assert.ok(refused >= 22);
  });
});
