import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { detectCgroupMode } from '../../../src/runtime/cgroups/detect.js';
import { CgroupManager } from '../../../src/runtime/cgroups/manager.js';

const UID = 'a1b2c3d4-0000-4000-8000-000000000001';
const HIERARCHIES = [
  'cpu,cpuacct',
  'cpuset',
  'memory',
  'pids',
  'devices',
  'net_cls,net_prio',
  'systemd',
  'unified',
];
const limited = { cpuShares: 512, cpuQuota: 25000, cpuPeriod: 100000, memoryLimit: 33554432, pidsLimit: -1 };

// A temporary directory laid out like /sys/fs/cgroup on a hybrid host with co-mounted controllers.
describe('CgroupManager on cgroup v1', () => {
  let root: string;
  let manager: CgroupManager;
  const read = (path: string): Promise<string> => readFile(join(root, path), 'utf8');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'podlet-cgroup1-'));
    for (const h of HIERARCHIES) await mkdir(join(root, h));
    await symlink('cpu,cpuacct', join(root, 'cpu'));
    await writeFile(join(root, 'cpuset/cpuset.cpus'), '0-3\n');
    await writeFile(join(root, 'cpuset/cpuset.mems'), '0\n');
    manager = new CgroupManager({ mode: 'v1', root, parent: 'podlet' });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('the mode is v1 when the root holds cpu and memory hierarchies', async () => {
    assert.equal(await detectCgroupMode(root), 'v1');
  });

  test('the mode cannot be told for a directory that is no cgroup root', async () => {
    await assert.rejects(detectCgroupMode(join(root, 'devices')), { name: 'CgroupError' });
  });

  test('the pod cgroup exists in every hierarchy, with the values in cpu, memory and pids', async () => {
    const path = await manager.ensurePod(UID, 'Burstable', limited);
    for (const h of HIERARCHIES)
      assert.ok((await readdir(join(root, h, 'podlet/burstable'))).includes(`pod${UID}`), h);
    assert.equal(await read(`cpu,cpuacct${path}/cpu.shares`), '512');
    assert.equal(await read(`cpu,cpuacct${path}/cpu.cfs_period_us`), '100000');
    assert.equal(await read(`cpu,cpuacct${path}/cpu.cfs_quota_us`), '25000');
    assert.equal(await read(`memory${path}/memory.limit_in_bytes`), '33554432');
    assert.equal(await read(`pids${path}/pids.max`), 'max');
  });

  test('every new cpuset cgroup gets its CPUs and memory nodes from its parent', async () => {
    const path = await manager.ensurePod(UID, 'BestEffort', limited);
    for (const dir of ['/podlet', '/podlet/besteffort', path]) {
      assert.equal(await read(`cpuset${dir}/cpuset.cpus`), '0-3', dir);
      assert.equal(await read(`cpuset${dir}/cpuset.mems`), '0', dir);
    }
    assert.equal(await read('cpu,cpuacct/podlet/besteffort/cpu.shares'), '2');
  });

  test('readLimits reads the v1 files back', async () => {
    const path = await manager.ensurePod(UID, 'Guaranteed', limited);
    await writeFile(join(root, 'memory', path, 'memory.limit_in_bytes'), '9223372036854771712\n');
    assert.deepEqual(await manager.readLimits(path), {
      cpuShares: 512,
      cpuQuota: 25000,
      cpuPeriod: 100000,
      memoryLimit: -1,
      pidsLimit: -1,
    });
  });

  test('readOomKillCount and readCpuAndMemory read memory.oom_control, cpuacct.usage and memory.stat', async () => {
    const path = await manager.ensurePod(UID, 'Guaranteed', limited);
    await writeFile(
      join(root, 'memory', path, 'memory.oom_control'),
      'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
    );
    await writeFile(join(root, 'cpu,cpuacct', path, 'cpuacct.usage'), '123456789\n');
    await writeFile(join(root, 'memory', path, 'memory.usage_in_bytes'), '2000000\n');
    await writeFile(
      join(root, 'memory', path, 'memory.stat'),
      'inactive_file 5\ntotal_inactive_file 500000\n',
    );
    assert.equal(await manager.readOomKillCount(path), 1);
    assert.deepEqual(await manager.readCpuAndMemory(path), {
      cpuUsageNanos: 123456789n,
      memoryUsageBytes: 2000000,
      workingSetBytes: 1500000,
    });
  });

  test('removePod removes the pod cgroup in every hierarchy, container cgroups first', async () => {
    const path = await manager.ensurePod(UID, 'Burstable', limited);
    for (const h of ['memory', 'systemd'])
      await mkdir(join(root, h, manager.containerCgroupPath(path, 'c0ffee')));
    await manager.removePod(UID, 'Burstable');
    await manager.removeParentIfEmpty();
    for (const h of HIERARCHIES)
      assert.deepEqual(await readdir(join(root, h)), h === 'cpuset' ? ['cpuset.cpus', 'cpuset.mems'] : [], h);
  });

  test('listPodCgroups finds a pod cgroup left in any one hierarchy', async () => {
    await mkdir(join(root, 'systemd/podlet/burstable'), { recursive: true });
    await mkdir(join(root, `systemd/podlet/burstable/pod${UID}`));
    assert.deepEqual(await manager.listPodCgroups(), [
      { podUid: UID, qos: 'Burstable', path: `/podlet/burstable/pod${UID}` },
    ]);
  });
});
