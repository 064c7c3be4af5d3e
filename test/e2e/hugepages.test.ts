// Huge pages through the real kubectl: the Node offers the host's 2 MiB pool, a pod's hugepages limit becomes its
// pod and container hugetlb limits, a `medium: HugePages` emptyDir is a hugetlbfs of that page size, and a pod asking
// for more than the pool stays Pending with `Insufficient hugepages-2Mi`. The test gives the host a small pool, and
// a hugetlb hierarchy when none is mounted (as systemd would on a cgroup v1 host); it puts both back afterwards.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { run } from '../../src/util/exec.js';
import { NODE_NAME, TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const POOL = '/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages';
const CGROUP_ROOT = '/sys/fs/cgroup';
const HUGETLB = `${CGROUP_ROOT}/hugetlb`;
const PAGES = 8;

const host = { pages: 0, mountedHugetlb: false };

// Registered before the cluster, so that podlet starts with the pool and the controller in place.
before(async () => {
  host.pages = Number((await readFile(POOL, 'utf8')).trim());
  if (host.pages < PAGES) await writeFile(POOL, String(PAGES));
  const v2 =
    (await readFile(`${CGROUP_ROOT}/cgroup.controllers`, 'utf8').catch(() => undefined)) !== undefined;
  const hierarchies = await readdir(CGROUP_ROOT);
  if (!v2 && !hierarchies.some((h) => h.split(',').includes('hugetlb'))) {
    await mkdir(HUGETLB);
    await run('mount', ['-t', 'cgroup', '-o', 'hugetlb', 'hugetlb', HUGETLB]);
    host.mountedHugetlb = true;
  }
});

describe('huge pages', () => {
  const k = useCluster();
  const suffix = randomBytes(3).toString('hex');

  const podYaml = (name: string, amount: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${TEST_IMAGE}
    command: [sleep, "3600"]
    resources:
      limits: { hugepages-2Mi: ${amount}, memory: 32Mi, cpu: 100m }
    volumeMounts: [{ name: pages, mountPath: /hugepages }]
  volumes:
  - name: pages
    emptyDir: { medium: HugePages }
`;
  const getPod = async (name: string): Promise<Pod> =>
    JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;

  test('the Node offers the host pool as hugepages-2Mi, taken out of allocatable memory', async () => {
    const node = JSON.parse(await k.ok(['get', 'node', NODE_NAME, '-o', 'json'])) as Node;
    const pages = Number((await readFile(POOL, 'utf8')).trim());
    const poolBytes = pages * 2 * 1024 * 1024;
    assert.equal(node.status?.capacity?.['hugepages-2Mi'], `${pages * 2}Mi`);
    assert.equal(node.status?.allocatable?.['hugepages-2Mi'], `${pages * 2}Mi`);
    const ki = (q: string | undefined) => Number(/^(\d+)Ki$/.exec(q ?? '')?.[1]) * 1024;
    const capacity = ki(node.status?.capacity?.memory);
    // The kubelet's default hard eviction threshold (100Mi) and the pool are held back.
    assert.equal(ki(node.status?.allocatable?.memory), capacity - 100 * 1024 * 1024 - poolBytes);
  });

  test('a hugepages limit is a hugetlb limit of the pod and its container, and HugePages is a hugetlbfs', async () => {
    const name = `pages-${suffix}`;
    await k.ok(['apply', '-f', '-'], { input: podYaml(name, '4Mi') });
    await k.ok(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s']);
    const mounts = await k.ok(['exec', name, '--', 'cat', '/proc/mounts']);
    assert.match(mounts, /^\S+ \/hugepages hugetlbfs \S*pagesize=2M/m);
    const limit = await k.ok([
      'exec',
      name,
      '--',
      'cat',
      '/sys/fs/cgroup/hugetlb/hugetlb.2MB.limit_in_bytes',
    ]);
    assert.equal(limit.trim(), String(4 * 1024 * 1024));
    const uid = (await getPod(name)).metadata?.uid ?? '';
    const podCgroup = await podCgroupDir(uid);
    assert.equal(
      (await readFile(`${podCgroup}/hugetlb.2MB.limit_in_bytes`, 'utf8')).trim(),
      String(4 * 1024 * 1024),
    );
    await k.ok(['delete', 'pod', name, '--wait=true']);
  });

  test('a pod asking for more than the pool stays Pending: Insufficient hugepages-2Mi', async () => {
    const name = `greedy-${suffix}`;
    await k.ok(['apply', '-f', '-'], { input: podYaml(name, `${PAGES * 2 + 2}Mi`) });
    const message = await waitFor('the pod to be found unschedulable', async () => {
      const cond = (await getPod(name)).status?.conditions?.find((c) => c.type === 'PodScheduled');
      return cond?.reason === 'Unschedulable' ? cond.message : undefined;
    });
    assert.match(message ?? '', /^0\/1 nodes are available: 1 Insufficient hugepages-2Mi\./);
    await k.ok(['delete', 'pod', name, '--wait=true']);
  });

  // The pod's cgroup in the hugetlb hierarchy (or the unified one), found by its UID below the instance's parent.
  async function podCgroupDir(uid: string): Promise<string> {
    const base = (await readFile(`${CGROUP_ROOT}/cgroup.controllers`, 'utf8').catch(() => undefined))
      ? CGROUP_ROOT
      : HUGETLB;
    const { stdout } = await run('find', [base, '-maxdepth', '4', '-type', 'd', '-name', `pod${uid}`]);
    const dir = stdout.trim().split('\n')[0] ?? '';
    assert.notEqual(dir, '', `no cgroup for pod ${uid}`);
    return dir;
  }
});

// Registered after the cluster's own after: the pods and their cgroups are gone before the host is put back.
after(async () => {
  if (host.pages < PAGES) await writeFile(POOL, String(host.pages));
  if (host.mountedHugetlb) {
    await run('umount', [HUGETLB]);
    await rmdir(HUGETLB);
  }
});
