// `node dist/bench/profile.js`: where the daemon's time goes while 50 two-container pods start (issue 9). Runs
// `podlet serve` under `node --cpu-prof`, creates the pods through the API, and keeps the samples taken between the
// creates and the last pod Running. Prints the frames with most self time and the daemon's CPU beside its children's
// (runc, conmon, mount, CNI plugins), and draws docs/images/bench-flame.svg.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseAllDocuments } from 'yaml';
import {
  destroyInstance, importTestImage, newInstance, NODE_NAME, PODLET, REPO, waitFor, type Instance,
} from '../test/integration/support/podlet-process.js'; // prettier-ignore
import { call, connect, type Client } from './api-client.js';
import { renderFlameGraph, sliceProfile, topCallers, topSelfFrames, type CpuProfile } from './flamegraph.js';
import { STARTUP_MANIFEST } from './pod-startup.js';
import { cpuSeconds } from './proc-stat.js';

const PODS = '/api/v1/namespaces/default/pods';
const MANY = 50;
async function runningPods(api: Client): Promise<number> {
  const list = JSON.parse(await call(api, 'GET', PODS, 'application/json')) as { items: Pod[] };
  return list.items.filter((p) => p.status?.phase === 'Running').length;
}

/**
 * `podlet serve` under the profiler, with the arguments the test daemon gets (Node refuses --cpu-prof in
 * NODE_OPTIONS, so the daemon's own spawn cannot carry it).
 */
function startProfiled(i: Instance, profileDir: string): ChildProcess {
  const args = [
    'serve', '--data-dir', i.dataDir, '--manifests', i.manifests, '--bridge', i.bridge, '--pod-cidr', i.podCidr,
    '--cgroup-parent', i.cgroupParent, '--node-name', NODE_NAME, '--log-level', 'info', '--listen', '127.0.0.1:0',
  ]; // prettier-ignore
  return spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, PODLET, ...args], {
    stdio: 'ignore',
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function readProfile(dir: string, pid: number | undefined): Promise<CpuProfile> {
  const file = (await readdir(dir).catch(() => [] as string[])).find((f) => f.includes(`.${pid}.`));
  if (file === undefined) throw new Error(`no CPU profile of the daemon (pid ${pid}) in ${dir}`);
  return JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
const template = parseAllDocuments(await readFile(STARTUP_MANIFEST, 'utf8'))[0]?.toJS() as Pod;
const instance = await newInstance();
const profileDir = join(instance.dataDir, 'cpuprofile');
let daemon: ChildProcess | undefined;
let window = { from: 0, to: 0, wallMs: 0 };
let cpu = { self: 0, children: 0 };
let profile: CpuProfile = { nodes: [], startTime: 0, samples: [], timeDeltas: [] };
try {
  await importTestImage(instance);
  daemon = startProfiled(instance, profileDir);
  const api = await connect(instance);
  const spawner = await spawnerPid(daemon.pid ?? 0);
  const before = { self: (await cpuSeconds(daemon.pid ?? 0)).self, children: await programsCpu(spawner) };
  const from = nowUs();
  await Promise.all(
    Array.from({ length: MANY }, (_, i) =>
      call(api, 'POST', PODS, 'application/json', { ...template, metadata: { name: `prof-${i}` } }),
    ),
  );
  await waitFor('all Running', async () => (await runningPods(api)) === MANY, 300_000, 100);
  window = { from, to: nowUs(), wallMs: (nowUs() - from) / 1000 };
  const after = { self: (await cpuSeconds(daemon.pid ?? 0)).self, children: await programsCpu(spawner) };
  cpu = { self: after.self - before.self, children: after.children - before.children };
  await call(api, 'DELETE', `${PODS}?gracePeriodSeconds=1`, 'application/json');
  await waitFor('pods gone', async () => (await runningPods(api)) === 0, 300_000, 200);
  // The profile is written as the daemon exits.
  await stop(daemon);
  profile = await readProfile(profileDir, daemon.pid);
} finally {
  if (daemon) await stop(daemon);
  await destroyInstance(instance, undefined);
}
const slice = sliceProfile(profile, window.from, window.to);
const caption = `podlet serve, ${MANY} two-container pods created at once until all Running: ${window.wallMs.toFixed(0)} ms wall, daemon ${cpu.self.toFixed(2)} s CPU, the programs its spawner ran and reaped ${cpu.children.toFixed(2)} s CPU; ${slice.samples.length} samples`;
process.stdout.write(`${caption}\n\nself time, busy samples only:\n`);
for (const f of topSelfFrames(slice, 20))
  process.stdout.write(
    `${f.selfMs.toFixed(0).padStart(7)} ms ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.frame}\n`,
  );
process.stdout.write('\nsubprocess spawns (self time of ChildProcess.spawn) by caller in src/:\n');
for (const f of topCallers(slice, /^ChildProcess\.spawn /, 12))
  process.stdout.write(
    `${f.selfMs.toFixed(0).padStart(7)} ms ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.frame}\n`,
  );
const saved = join(tmpdir(), `podlet-bench-daemon-${process.pid}.cpuprofile`);
await writeFile(saved, JSON.stringify(slice));
await writeFile(join(REPO, 'docs', 'images', 'bench-flame.svg'), renderFlameGraph(slice, caption));
process.stdout.write(
  `\nprofile of the window: ${saved} (open in Chrome DevTools), flame graph: docs/images/bench-flame.svg\n`,
);

/** The daemon's spawner (native/spawner), which runs and reaps the daemon's programs (decision 0045). */
async function spawnerPid(daemonPid: number): Promise<number | undefined> {
  const children = await readFile(`/proc/${daemonPid}/task/${daemonPid}/children`, 'utf8').catch(() => '');
  for (const pid of children.split(' ').filter(Boolean)) {
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === 'spawner') return Number(pid);
  }
  return undefined;
}

/** CPU seconds of the programs the spawner has reaped so far. */
async function programsCpu(spawner: number | undefined): Promise<number> {
  return spawner === undefined ? 0 : (await cpuSeconds(spawner)).children;
}
