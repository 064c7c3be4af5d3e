import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { QosClass } from '../../../src/api/qos.js';
import { detectCgroupMode } from '../../../src/runtime/cgroups/detect.js';
import { CgroupManager } from '../../../src/runtime/cgroups/manager.js';
import type { CgroupMode, PodCgroupSettings } from '../../../src/runtime/cgroups/types.js';
import { runUnchecked } from '../../../src/util/exec.js';

const ROOT = '/sys/fs/cgroup';
const BUSYBOX = '/usr/bin/busybox';
const PARENT = `podlet-test-${randomBytes(4).toString('hex')}`;
const isRoot = process.getuid?.() === 0;

const settings: Record<QosClass, PodCgroupSettings> = {
  Guaranteed: {
    cpuShares: 1024,
    cpuQuota: 100000,
    cpuPeriod: 100000,
    memoryLimit: 64 * 2 ** 20,
    pidsLimit: 512,
  },
  Burstable: { cpuShares: 102, cpuQuota: -1, cpuPeriod: 100000, memoryLimit: 32 * 2 ** 20, pidsLimit: -1 },
  BestEffort: { cpuShares: 2, cpuQuota: -1, cpuPeriod: 100000, memoryLimit: -1, pidsLimit: -1 },
};

/** Every directory of this test's parent cgroup, in any hierarchy. */
async function leftovers(mode: CgroupMode): Promise<string[]> {
  const hierarchies = mode === 'v2' ? [''] : await readdir(ROOT);
  const found = await Promise.all(
    hierarchies.map(async (h) =>
      (await readdir(join(ROOT, h)).catch((): string[] => [])).includes(PARENT) ? [h] : [],
    ),
  );
  return found.flat();
}

describe('CgroupManager on this host', { skip: !isRoot && 'needs root' }, () => {
  let mode: CgroupMode;
  let manager: CgroupManager;
  const uids = new Map<QosClass, string>();
  const created: [QosClass, string][] = [];

  before(async () => {
    mode = await detectCgroupMode();
    manager = new CgroupManager({ mode, parent: PARENT });
    for (const qos of ['Guaranteed', 'Burstable', 'BestEffort'] as const) {
      uids.set(qos, randomUUID());
      created.push([qos, uids.get(qos) ?? '']);
    }
  });

  after(async () => {
    for (const [qos, uid] of created) await manager.removePod(uid, qos);
    await manager.removeParentIfEmpty();
    assert.deepEqual(await leftovers(mode), []);
  });

  test('creates pod cgroups for the three QoS classes that read back with their values', async () => {
    for (const [qos, uid] of uids) {
      const path = await manager.ensurePod(uid, qos, settings[qos]);
      const limits = await manager.readLimits(path);
      const expected = settings[qos];
      assert.equal(limits.cpuQuota, expected.cpuQuota, qos);
      assert.equal(limits.cpuPeriod, expected.cpuPeriod, qos);
      assert.equal(limits.memoryLimit, expected.memoryLimit, qos);
      assert.equal(limits.pidsLimit, expected.pidsLimit, qos);
      if (mode === 'v1') assert.equal(limits.cpuShares, expected.cpuShares, qos);
      else assert.equal(limits.cpuWeight, qos === 'Guaranteed' ? 39 : qos === 'Burstable' ? 4 : 1, qos);
      assert.equal(await manager.readOomKillCount(path), 0, qos);
      const usage = await manager.readCpuAndMemory(path);
      assert.equal(usage.cpuUsageNanos, 0n, qos);
    }
  });

  test('ensurePod is idempotent and the pods are listed', async () => {
    for (const [qos, uid] of uids) await manager.ensurePod(uid, qos, settings[qos]);
    const listed = await manager.listPodCgroups();
    assert.deepEqual(
      listed.map((p) => `${p.qos}/${p.podUid}`).sort(),
      [...uids].map(([qos, uid]) => `${qos}/${uid}`).sort(),
    );
  });

  test('on v1 the pod cgroup exists in every hierarchy, with a usable cpuset', async (t) => {
    if (mode !== 'v1') {
      t.skip('the host runs cgroup v2');
      return;
    }
    const path = manager.podCgroupPath(uids.get('Burstable') ?? '', 'Burstable');
    const rootCpus = (await readFile(join(ROOT, 'cpuset', 'cpuset.cpus'), 'utf8')).trim();
    assert.equal((await readFile(join(ROOT, 'cpuset', path, 'cpuset.cpus'), 'utf8')).trim(), rootCpus);
    assert.notEqual((await readFile(join(ROOT, 'cpuset', path, 'cpuset.mems'), 'utf8')).trim(), '');
    for (const h of await readdir(ROOT)) {
      assert.ok((await readdir(join(ROOT, h, PARENT, 'burstable'))).includes(path.split('/').pop() ?? ''), h);
    }
    const besteffort = await readFile(join(ROOT, 'cpu', PARENT, 'besteffort', 'cpu.shares'), 'utf8');
    assert.equal(besteffort.trim(), '2');
  });

  test('a process over the memory limit is OOM-killed and counted', async () => {
    const path = manager.podCgroupPath(uids.get('Burstable') ?? '', 'Burstable');
    const procs =
      mode === 'v1' ? join(ROOT, 'memory', path, 'cgroup.procs') : join(ROOT, path, 'cgroup.procs');
    // The shell joins the cgroup, then keeps 200 MB of output in a variable: far over the 32 MiB limit.
    const script = `echo $$ > ${procs} && x=$(${BUSYBOX} head -c 200000000 /dev/zero | ${BUSYBOX} tr '\\0' a)`;
    const result = await runUnchecked(BUSYBOX, ['sh', '-c', script], { timeoutMs: 30_000 });
    assert.notEqual(result.exitCode, 0);
    assert.ok((await manager.readOomKillCount(path)) >= 1);
  });

  test('removing a pod whose last process just exited waits for the kernel to let go', async () => {
    const uid = randomUUID();
    created.push(['Guaranteed', uid]);
    const path = await manager.ensurePod(uid, 'Guaranteed', settings.Guaranteed);
    const procs = mode === 'v1' ? join(ROOT, 'cpu', path, 'cgroup.procs') : join(ROOT, path, 'cgroup.procs');
    const result = await runUnchecked(BUSYBOX, ['sh', '-c', `echo $$ > ${procs} && exit 3`]);
    assert.equal(result.exitCode, 3);
    await manager.removePod(uid, 'Guaranteed');
    assert.deepEqual(
      (await manager.listPodCgroups()).filter((p) => p.podUid === uid),
      [],
    );
  });
});
