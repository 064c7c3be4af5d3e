// Runtime faults (issue 10 §1): a container's conmon killed, a pod's pause process killed, a container's cgroup
// deleted, the data dir's file system filled. Each shows in the pod's status and events as the kubelet would show
// it, podlet recovers what can be recovered, and `kubectl get pods` answers throughout.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RuntimePaths } from '../../src/runtime/paths.js';
import { run, runUnchecked } from '../../src/util/exec.js';
import { waitFor } from '../integration/support/podlet-process.js';
import { useCluster, type Cluster } from '../e2e/support/cluster.js';
import { sleeperPod } from '../integration/support/manifests.js';
import { findOrphans, NO_ORPHANS } from './support/orphans.js';
import { recordScenario } from './support/report.js';

const DATA_FS_SIZE = '300m';

async function getPod(k: Cluster, name: string): Promise<Pod> {
  return JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
}

/** The pod runs with its container ready; returns the container's runtime ID (without the runc:// prefix). */
async function waitReady(k: Cluster, name: string, restarts = 0): Promise<string> {
  return waitFor(
    `${name} ready after ${restarts} restarts`,
    async () => {
      const s = (await getPod(k, name)).status?.containerStatuses?.[0];
      const ok = s?.ready && s.state?.running && s.restartCount === restarts;
      return ok ? (s.containerID ?? '').replace(/^runc:\/\//, '') : undefined;
    },
    90_000,
  );
}

async function events(k: Cluster, name: string): Promise<string> {
  return k.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
}

/** `kubectl get pods` in a loop for the whole suite: every failed answer is counted. */
function watchApi(k: Cluster): { stop(): Promise<{ calls: number; errors: string[] }> } {
  let stopped = false;
  const errors: string[] = [];
  let calls = 0;
  const loop = (async () => {
    while (!stopped) {
      const r = await k.kubectl(['get', 'pods', '--request-timeout=10s']);
      calls++;
      if (r.exitCode !== 0) errors.push(r.stderr.trim());
      await new Promise((res) => setTimeout(res, 250));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { calls, errors };
    },
  };
}

/** Every directory of a cgroup, in each v1 hierarchy (or the one v2 tree) that has it. */
async function cgroupDirs(relative: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const ctl of await readdir('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', ctl, relative);
    if ((await runUnchecked('test', ['-d', dir])).exitCode === 0) dirs.push(dir);
  }
  return dirs;
}

describe('runtime faults', () => {
  let mountPoint = '';
  const savedTmpdir = process.env.TMPDIR;
  // The data dir lives on a small tmpfs of its own, so that filling it fills nothing else.
  before(async () => {
    mountPoint = await mkdtemp(join(tmpdir(), `podlet-rf-${randomBytes(3).toString('hex')}-`));
    await run('mount', ['-t', 'tmpfs', '-o', `size=${DATA_FS_SIZE}`, 'tmpfs', mountPoint]);
    process.env.TMPDIR = mountPoint;
  });
  const figures = { faults: 0, recovered: 0, apiErrors: 0, apiCalls: 0 };
  let api: ReturnType<typeof watchApi> | undefined;
  // Registered before useCluster's: the API watch ends before the instance does.
  after(async () => {
    const seen = await api?.stop();
    figures.apiErrors = seen?.errors.length ?? 0;
    figures.apiCalls = seen?.calls ?? 0;
    await recordScenario({
      scenario: 'runtime-faults',
      description:
        'conmon killed, pause killed, a container cgroup deleted, the data dir file system filled, with kubectl get pods running throughout',
      figures,
    });
    assert.deepEqual(seen?.errors, [], 'kubectl get pods answered throughout');
  });
  // Only a memory threshold: a disk filled from outside the pods must not turn into evictions here.
  const k = useCluster({ serveArgs: async () => ['--eviction-hard', 'memory.available<1Mi'] });
  before(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    api = watchApi(k);
  });
  // Registered after useCluster's: runs once the instance is gone.
  after(async () => {
    if (!mountPoint) return;
    await runUnchecked('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  test('a killed conmon: the container is killed and restarted, exit code 255, restartCount 1', async () => {
    await k.ok(['apply', '-f', '-'], { input: sleeperPod('lost-monitor') });
    const id = await waitReady(k, 'lost-monitor');
    const conmonPid = Number(
      (await readFile(join(new RuntimePaths(k.instance.dataDir).bundle(id), 'conmon.pid'), 'utf8')).trim(),
    );
    process.kill(conmonPid, 'SIGKILL');
    figures.faults++;
    const newId = await waitReady(k, 'lost-monitor', 1);
    assert.notEqual(newId, id);
    const last = (await getPod(k, 'lost-monitor')).status?.containerStatuses?.[0]?.lastState?.terminated;
    assert.equal(last?.exitCode, 255);
    assert.equal(last?.containerID, `runc://${id}`);
    assert.match(await events(k, 'lost-monitor'), /Started\s+pod\/lost-monitor\s+Started container c/);
    figures.recovered++;
    await k.ok(['delete', 'pod', 'lost-monitor', '--wait=true']);
  });

  test('a killed pause process: SandboxChanged, a new sandbox and the container restarted', async () => {
    await k.ok(['apply', '-f', '-'], { input: sleeperPod('lost-sandbox') });
    await waitReady(k, 'lost-sandbox');
    const uid = (await getPod(k, 'lost-sandbox')).metadata?.uid ?? '';
    const sandboxes = await readdir(join(k.instance.dataDir, 'sandboxes'));
    let pausePid = 0;
    for (const id of sandboxes) {
      const record = JSON.parse(
        await readFile(join(k.instance.dataDir, 'sandboxes', id, 'sandbox.json'), 'utf8'),
      ) as { podUid: string };
      if (record.podUid !== uid) continue;
      const state = JSON.parse(
        await readFile(join(new RuntimePaths(k.instance.dataDir).runcRoot, id, 'state.json'), 'utf8'),
      ) as { init_process_pid: number };
      pausePid = state.init_process_pid;
    }
    assert.ok(pausePid > 0, 'the pause process is found');
    process.kill(pausePid, 'SIGKILL');
    figures.faults++;
    await waitReady(k, 'lost-sandbox', 1);
    assert.match(
      await events(k, 'lost-sandbox'),
      /Normal\s+SandboxChanged\s+pod\/lost-sandbox\s+Pod sandbox changed, it will be killed and re-created\./,
    );
    assert.equal((await getPod(k, 'lost-sandbox')).status?.phase, 'Running');
    figures.recovered++;
    await k.ok(['delete', 'pod', 'lost-sandbox', '--wait=true']);
  });

  test('a deleted container cgroup: the container exits, is restarted in a new cgroup', async () => {
    await k.ok(['apply', '-f', '-'], { input: sleeperPod('lost-cgroup') });
    const id = await waitReady(k, 'lost-cgroup');
    const uid = (await getPod(k, 'lost-cgroup')).metadata?.uid ?? '';
    const relative = join(k.instance.cgroupParent, 'besteffort', `pod${uid}`, id);
    const dirs = await cgroupDirs(relative);
    assert.ok(dirs.length > 0, `the container cgroup ${relative} exists`);
    // cgroup v1 refuses to remove a cgroup with tasks: its processes are killed first, then it goes at once,
    // before podlet has seen the exit.
    const procs = (await readFile(join(dirs[0] ?? '', 'cgroup.procs'), 'utf8')).split('\n').filter(Boolean);
    for (const pid of procs) process.kill(Number(pid), 'SIGKILL');
    await waitFor(
      'the cgroup removed',
      async () => {
        for (const dir of dirs)
          await rmdir(dir).catch((e: NodeJS.ErrnoException) => e.code === 'ENOENT' || Promise.reject(e));
        return true;
      },
      10_000,
      20,
    );
    figures.faults++;
    const newId = await waitReady(k, 'lost-cgroup', 1);
    assert.ok((await cgroupDirs(join(k.instance.cgroupParent, 'besteffort', `pod${uid}`, newId))).length > 0);
    const last = (await getPod(k, 'lost-cgroup')).status?.containerStatuses?.[0]?.lastState?.terminated;
    assert.equal(last?.exitCode, 137);
    figures.recovered++;
    await k.ok(['delete', 'pod', 'lost-cgroup', '--wait=true']);
  });

  test('a full data dir: writes are refused cleanly, reads go on, a crashed container restarts once space is back', async (t) => {
    await k.ok(['apply', '-f', '-'], { input: sleeperPod('steady') });
    const id = await waitReady(k, 'steady');
    const fill = join(mountPoint, 'fill');
    // dd stops at ENOSPC, with the file system full.
    await runUnchecked('dd', ['if=/dev/zero', `of=${fill}`, 'bs=1M'], { timeoutMs: 60_000 });
    figures.faults++;
    try {
      const refused = await k.kubectl(['apply', '-f', '-'], { input: sleeperPod('latecomer') });
      t.diagnostic(`apply on a full disk: exit ${refused.exitCode} ${refused.stderr.trim()}`);
      // The store may or may not have room for one more object; either answer must be clean, never a hang.
      if (refused.exitCode !== 0) assert.match(refused.stderr, /Error from server \(InternalError\)/);
      // The container dies while nothing can be written: its restart waits for space, and the pod shows it then.
      const state = JSON.parse(
        await readFile(join(new RuntimePaths(k.instance.dataDir).runcRoot, id, 'state.json'), 'utf8'),
      ) as { init_process_pid: number };
      process.kill(state.init_process_pid, 'SIGKILL');
      const conmonPid = (
        await readFile(join(new RuntimePaths(k.instance.dataDir).bundle(id), 'conmon.pid'), 'utf8')
      ).trim();
      await waitFor(
        'conmon gone',
        async () => !(await readFile(`/proc/${conmonPid}/stat`).catch(() => false)),
      );
    } finally {
      await rm(fill, { force: true });
    }
    await waitReady(k, 'steady', 1);
    const last = (await getPod(k, 'steady')).status?.containerStatuses?.[0]?.lastState?.terminated;
    t.diagnostic(`steady's last state: ${JSON.stringify(last)}`);
    assert.equal(last?.containerID, `runc://${id}`);
    await k.ok(['apply', '-f', '-'], { input: sleeperPod('latecomer') });
    await waitReady(k, 'latecomer');
    figures.recovered++;
    await k.ok(['delete', 'pod', 'steady', 'latecomer', '--wait=true']);
    // The API object goes first; the node's teardown follows.
    const none = new Set<string>();
    const left = await waitFor('the pods torn down', async () => {
      const o = await findOrphans(k.instance, none);
      return Object.values(o).every((l: string[]) => l.length === 0) ? o : undefined;
    }).catch(() => findOrphans(k.instance, none));
    assert.deepEqual(left, NO_ORPHANS);
  });
});
