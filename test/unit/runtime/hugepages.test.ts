import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { CgroupManager } from '../../../src/runtime/cgroups/manager.js';
import { v2PodFiles } from '../../../src/runtime/cgroups/values.js';
import {
  hugetlbControllerAvailable,
  hugetlbLimits,
  hugetlbPageSizeName,
  readHugePagePools,
} from '../../../src/runtime/hugepages.js';
import { buildContainerSpec } from '../../../src/runtime/oci/container-spec.js';
import { containerInput } from './oci-fixtures.js';

const MiB = 1024n * 1024n;
const GiB = 1024n * MiB;
const UID = 'a1b2c3d4-0000-4000-8000-0000000000aa';

describe('huge page pools and hugetlb names', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podlet-hugepages-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('every hugepages-<N>kB directory is a pool, smallest page first', async () => {
    for (const [name, pages] of [
      ['hugepages-1048576kB', '1'],
      ['hugepages-2048kB', '8'],
    ] as const) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'nr_hugepages'), `${pages}\n`);
    }
    assert.deepEqual(await readHugePagePools(dir), [
      { pageSizeBytes: 2n * MiB, pages: 8n },
      { pageSizeBytes: GiB, pages: 1n },
    ]);
  });

  test('a kernel without huge pages has no pools', async () => {
    assert.deepEqual(await readHugePagePools(join(dir, 'missing')), []);
  });

  test('page sizes get the cgroup file names of mm/hugetlb_cgroup.c', () => {
    assert.equal(hugetlbPageSizeName(64n * 1024n), '64KB');
    assert.equal(hugetlbPageSizeName(2n * MiB), '2MB');
    assert.equal(hugetlbPageSizeName(GiB), '1GB');
  });

  test('every page size gets a limit: the one asked for, else 0', () => {
    assert.deepEqual(hugetlbLimits([2n * MiB, GiB], new Map([[2n * MiB, 4n * MiB]])), [
      { pageSize: '2MB', limit: 4194304 },
      { pageSize: '1GB', limit: 0 },
    ]);
  });

  test('the controller is there when a v1 hierarchy or cgroup.controllers names it', async () => {
    await mkdir(join(dir, 'memory'));
    assert.equal(await hugetlbControllerAvailable('v1', dir), false);
    await mkdir(join(dir, 'hugetlb'));
    assert.equal(await hugetlbControllerAvailable('v1', dir), true);
    await writeFile(join(dir, 'cgroup.controllers'), 'cpu memory pids\n');
    assert.equal(await hugetlbControllerAvailable('v2', dir), false);
    await writeFile(join(dir, 'cgroup.controllers'), 'cpu memory hugetlb pids\n');
    assert.equal(await hugetlbControllerAvailable('v2', dir), true);
  });

  test('a v1 pod cgroup gets hugetlb.<size>.limit_in_bytes for each size', async () => {
    for (const h of ['cpu,cpuacct', 'memory', 'pids', 'hugetlb']) await mkdir(join(dir, h));
    const manager = new CgroupManager({
      mode: 'v1',
      root: dir,
      parent: 'podlet',
      hugetlbPageSizes: [2n * MiB, GiB],
    });
    const path = await manager.ensurePod(UID, 'Guaranteed', {
      cpuShares: 2,
      cpuQuota: -1,
      cpuPeriod: 100000,
      memoryLimit: 33554432,
      pidsLimit: -1,
      hugePageLimits: new Map([[2n * MiB, 8n * MiB]]),
    });
    assert.equal(await readFile(join(dir, 'hugetlb', path, 'hugetlb.2MB.limit_in_bytes'), 'utf8'), '8388608');
    assert.equal(await readFile(join(dir, 'hugetlb', path, 'hugetlb.1GB.limit_in_bytes'), 'utf8'), '0');
  });

  test('a v2 pod cgroup gets hugetlb.<size>.max', () => {
    const files = v2PodFiles({
      cpuShares: 2,
      cpuQuota: -1,
      cpuPeriod: 100000,
      memoryLimit: -1,
      pidsLimit: -1,
      hugetlb: [{ pageSize: '2MB', limit: 2097152 }],
    });
    assert.deepEqual(files.at(-1), { file: 'hugetlb.2MB.max', value: '2097152' });
  });
});

describe('buildContainerSpec: huge pages', () => {
  const resources = {
    limits: { 'hugepages-2Mi': '4Mi', memory: '16Mi' },
    requests: { 'hugepages-2Mi': '4Mi', memory: '16Mi' },
  };

  test('the OCI config limits every page size the host can limit', () => {
    const input = containerInput({ resources });
    const spec = buildContainerSpec({
      ...input,
      resources: { ...input.resources, hugePageLimits: new Map([[2n * MiB, 4n * MiB]]) },
      hugetlbPageSizes: [2n * MiB, GiB],
    });
    assert.deepEqual(spec.linux?.resources?.hugepageLimits, [
      { pageSize: '2MB', limit: 4194304 },
      { pageSize: '1GB', limit: 0 },
    ]);
  });

  test('without the hugetlb controller the config has no huge page limits (runc would fail it)', () => {
    const spec = buildContainerSpec(containerInput({ resources }));
    assert.equal(spec.linux?.resources?.hugepageLimits, undefined);
  });
});
