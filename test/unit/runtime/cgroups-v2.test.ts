import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { detectCgroupMode } from '../../../src/runtime/cgroups/detect.js';
import { CgroupManager } from '../../../src/runtime/cgroups/manager.js';

const UID = 'a1b2c3d4-0000-4000-8000-000000000001';
const CONTROLLERS = 'cpuset cpu io memory hugetlb pids rdma misc';
const limited = {
  cpuShares: 1024,
  cpuQuota: 50000,
  cpuPeriod: 100000,
  memoryLimit: 67108864,
  pidsLimit: 1024,
};
const unlimited = { cpuShares: 2, cpuQuota: -1, cpuPeriod: 100000, memoryLimit: -1, pidsLimit: -1 };

// A temporary directory laid out like the root of a cgroup2 mount.
describe('CgroupManager on cgroup v2', () => {
  let root: string;
  let manager: CgroupManager;
  const read = (path: string): Promise<string> => readFile(join(root, path), 'utf8');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'podlet-cgroup2-'));
    await writeFile(join(root, 'cgroup.controllers'), `${CONTROLLERS}\n`);
    await writeFile(join(root, 'cgroup.subtree_control'), '');
    manager = new CgroupManager({ mode: 'v2', root, parent: 'podlet' });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('the mode is v2 when the root has cgroup.controllers', async () => {
    assert.equal(await detectCgroupMode(root), 'v2');
  });

  test('ensurePod creates the pod cgroup with cpu.weight, cpu.max, memory.max and pids.max', async () => {
    const path = await manager.ensurePod(UID, 'Burstable', limited);
    assert.equal(path, `/podlet/burstable/pod${UID}`);
    assert.equal(await read(`${path}/cpu.weight`), '39');
    assert.equal(await read(`${path}/cpu.max`), '50000 100000');
    assert.equal(await read(`${path}/memory.max`), '67108864');
    assert.equal(await read(`${path}/pids.max`), '1024');
  });

  test('every controller of the root is enabled from the root down to the QoS cgroup, not in the pod', async () => {
    const path = await manager.ensurePod(UID, 'Burstable', limited);
    for (const dir of ['', '/podlet', '/podlet/burstable']) {
      const enabled = (await read(`${dir}/cgroup.subtree_control`))
        .split(' ')
        .map((c) => c.replace(/^\+/, ''));
      assert.deepEqual(enabled, CONTROLLERS.split(' '), dir || '/');
    }
    assert.equal((await readdir(join(root, path))).includes('cgroup.subtree_control'), false);
  });

  test('no limits are written as "max"; the besteffort QoS cgroup gets weight 1', async () => {
    const path = await manager.ensurePod(UID, 'BestEffort', unlimited);
    assert.equal(await read(`${path}/cpu.weight`), '1');
    assert.equal(await read(`${path}/cpu.max`), 'max 100000');
    assert.equal(await read(`${path}/memory.max`), 'max');
    assert.equal(await read(`${path}/pids.max`), 'max');
    assert.equal(await read('/podlet/besteffort/cpu.weight'), '1');
  });

  test('Guaranteed pods sit directly in the parent, and ensurePod can run again', async () => {
    await manager.ensurePod(UID, 'Guaranteed', limited);
    const path = await manager.ensurePod(UID, 'Guaranteed', { ...limited, memoryLimit: 134217728 });
    assert.equal(path, `/podlet/pod${UID}`);
    assert.equal(await read(`${path}/memory.max`), '134217728');
  });

  test('readLimits reads the values back, -1 for "max"', async () => {
    const path = await manager.ensurePod(UID, 'Burstable', { ...limited, memoryLimit: -1 });
    assert.deepEqual(await manager.readLimits(path), {
      cpuWeight: 39,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      memoryLimit: -1,
      pidsLimit: 1024,
    });
  });

  test('readOomKillCount and readCpuAndMemory read memory.events, cpu.stat, memory.current and memory.stat', async () => {
    const path = await manager.ensurePod(UID, 'Burstable', limited);
    await writeFile(
      join(root, path, 'memory.events'),
      'low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\noom_group_kill 0\n',
    );
    await writeFile(
      join(root, path, 'cpu.stat'),
      'usage_usec 9007199254740993\nuser_usec 1\nsystem_usec 2\n',
    );
    await writeFile(join(root, path, 'memory.current'), '10485760\n');
    await writeFile(
      join(root, path, 'memory.stat'),
      'anon 1\nfile 2\ninactive_file 4194304\nactive_file 1\n',
    );
    assert.equal(await manager.readOomKillCount(path), 2);
    assert.deepEqual(await manager.readCpuAndMemory(path), {
      cpuUsageNanos: 9007199254740993000n,
      memoryUsageBytes: 10485760,
      workingSetBytes: 6291456,
    });
  });

  test('removePod removes the pod cgroup and what is below it, and is idempotent', async () => {
    const path = await manager.ensurePod(UID, 'Burstable', limited);
    await mkdir(join(root, manager.containerCgroupPath(path, 'c0ffee')));
    await manager.removePod(UID, 'Burstable');
    await manager.removePod(UID, 'Burstable');
    assert.deepEqual(await readdir(join(root, 'podlet/burstable')), ['cgroup.subtree_control']);
  });

  test('listPodCgroups finds pod cgroups of every class, and removeParentIfEmpty keeps a parent in use', async () => {
    const other = 'a1b2c3d4-0000-4000-8000-000000000002';
    await manager.ensurePod(UID, 'Guaranteed', limited);
    await manager.ensurePod(other, 'BestEffort', unlimited);
    const found = await manager.listPodCgroups();
    assert.deepEqual(
      found.sort((a, b) => a.path.localeCompare(b.path)),
      [
        { podUid: other, qos: 'BestEffort', path: `/podlet/besteffort/pod${other}` },
        { podUid: UID, qos: 'Guaranteed', path: `/podlet/pod${UID}` },
      ],
    );
    await manager.removePod(other, 'BestEffort');
    await manager.removeParentIfEmpty();
    assert.deepEqual(
      (await readdir(join(root, 'podlet'))).filter((n) => !n.includes('.')),
      [`pod${UID}`],
    );
    await manager.removePod(UID, 'Guaranteed');
    await manager.removeParentIfEmpty();
    assert.deepEqual((await readdir(root)).sort(), ['cgroup.controllers', 'cgroup.subtree_control']);
  });

  test('setBurstableCpuShares writes the QoS cgroup weight', async () => {
    await manager.setBurstableCpuShares(614);
    assert.equal(await read('/podlet/burstable/cpu.weight'), '24');
  });
});
