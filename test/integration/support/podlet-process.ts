import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { run, runUnchecked } from '../../../src/util/exec.js';
import type { PsEntry } from '../../../src/cli/ps-command.js';
import { proxyTableName } from '../../../src/proxy/nft-ruleset.js';
import { RuntimePaths } from '../../../src/runtime/paths.js';

export const REPO = resolve(import.meta.dirname, '..', '..', '..', '..');
export const PODLET = join(REPO, 'bin', 'podlet');
export const TEST_IMAGE = 'localhost/podlet-test/busybox:1.0';
export const TEST_IMAGE_ARCHIVE = join(REPO, 'test', 'fixtures', 'images', 'out', 'busybox.oci.tar');
export const NODE_NAME = 'test-node';

export interface Instance {
  dataDir: string;
  manifests: string;
  bridge: string;
  podCidr: string;
  cgroupParent: string;
}

/** A fresh, unique identity for one podlet instance, so parallel instances and runs never collide. */
export async function newInstance(): Promise<Instance> {
  const tag = randomBytes(3).toString('hex');
  const dataDir = await mkdtemp(join(tmpdir(), 'podlet-it-'));
  const manifests = join(dataDir, 'manifests');
  await run('mkdir', ['-p', manifests]);
  return {
    dataDir,
    manifests,
    bridge: `plt${tag}`,
    podCidr: `10.${200 + (parseInt(tag.slice(0, 2), 16) % 50)}.${parseInt(tag.slice(2, 4), 16)}.0/24`,
    cgroupParent: `podlet-it-${tag}`,
  };
}

/** `podlet serve` as a child process; its log goes to <dataDir>/serve.log for post-mortems. */
export class PodletDaemon {
  private child: ChildProcess | undefined;
  log = '';

  constructor(
    readonly instance: Instance,
    private readonly extraArgs: readonly string[] = [],
  ) {}

  start(): void {
    const i = this.instance;
    this.child = spawn(PODLET, [
      'serve', '--data-dir', i.dataDir, '--manifests', i.manifests, '--bridge', i.bridge, '--pod-cidr', i.podCidr,
      '--cgroup-parent', i.cgroupParent, '--node-name', NODE_NAME, '--log-level', 'debug', '--listen', '127.0.0.1:0',
      ...this.extraArgs,
    ], { stdio: ['ignore', 'ignore', 'pipe'] }); // prettier-ignore
    this.child.stderr?.on('data', (c: Buffer) => (this.log += c.toString()));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops the daemon we started, by its PID, and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
    await writeFile(join(this.instance.dataDir, 'serve.log'), this.log).catch(() => undefined);
  }
}

export async function podlet(args: string[]): Promise<string> {
  return (await run(PODLET, args, { timeoutMs: 120_000 })).stdout;
}

export async function importTestImage(i: Instance): Promise<void> {
  await podlet(['image', 'import', '--data-dir', i.dataDir, TEST_IMAGE_ARCHIVE]);
}

export async function ps(i: Instance): Promise<PsEntry[]> {
  return JSON.parse(
    await podlet(['ps', '--json', '--data-dir', i.dataDir, '--cgroup-parent', i.cgroupParent]),
  ) as PsEntry[];
}

export async function writeManifest(i: Instance, file: string, yaml: string): Promise<void> {
  const tmp = join(i.manifests, `.${file}.tmp`);
  await writeFile(tmp, yaml);
  await run('mv', [tmp, join(i.manifests, file)]);
}

export async function removeManifest(i: Instance, file: string): Promise<void> {
  await rm(join(i.manifests, file), { force: true });
}

/** Polls `check` until it returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  pollMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: lastError });
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export type RunningPod = PsEntry;

/** Waits until the pod (static name `<name>-test-node`) has a ready sandbox and every named container running. */
export async function waitRunning(
  i: Instance,
  name: string,
  containers: string[],
  timeoutMs = 60_000,
): Promise<RunningPod> {
  return waitFor(
    `pod ${name} running`,
    async () => {
      const pod = (await ps(i)).find(
        (e) => e.sandbox.podName === `${name}-${NODE_NAME}` && e.sandbox.state === 'ready',
      );
      const ok =
        pod && containers.every((c) => pod.containers.some((x) => x.name === c && x.state === 'running'));
      return ok ? pod : undefined;
    },
    timeoutMs,
  );
}

export function containerId(pod: RunningPod, name: string): string {
  const c = pod.containers.filter((x) => x.name === name && x.state === 'running').pop();
  if (!c) throw new Error(`container ${name} is not running`);
  return c.id;
}

/** Runs a command inside a running container with runc exec (kubectl exec arrives with the API). */
export async function execIn(
  i: Instance,
  id: string,
  cmd: string[],
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return runUnchecked('runc', ['--root', new RuntimePaths(i.dataDir).runcRoot, 'exec', id, ...cmd], {
    timeoutMs: 30_000,
  });
}

/** Everything an instance may leave on the host; each list must be empty after clean-up. */
export interface Leftovers {
  mounts: string[];
  links: string[];
  netns: string[];
  cgroups: string[];
  ipam: string[];
  /** The instance's nftables table (the service proxy's), which podlet removes when it stops. */
  nftTables: string[];
}

export async function leftovers(i: Instance): Promise<Leftovers> {
  const mounts = (await readFile('/proc/self/mounts', 'utf8'))
    .split('\n')
    .filter((l) => l.includes(i.dataDir));
  const links = (await run('ip', ['-o', 'link', 'show'])).stdout
    .split('\n')
    .filter((l) => l.includes(i.bridge));
  const netns = (await readdir('/run/netns').catch(() => [] as string[])).filter((n) =>
    n.startsWith('podlet-'),
  );
  const ourNetns: string[] = [];
  for (const n of netns) {
    const sandboxes = await readdir(join(i.dataDir, 'sandboxes')).catch(() => [] as string[]);
    if (sandboxes.some((s) => n === `podlet-${s.slice(0, 12)}`)) ourNetns.push(n);
  }
  const cgroups: string[] = [];
  for (const ctl of await readdir('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', ctl, i.cgroupParent);
    if ((await runUnchecked('test', ['-d', dir])).exitCode === 0) cgroups.push(dir);
  }
  const ipam = (
    await readdir(join(i.dataDir, 'network', 'ipam', i.bridge)).catch(() => [] as string[])
  ).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
  const table = proxyTableName(i.bridge);
  const nftTables = (await runUnchecked('nft', ['list', 'table', 'ip', table])).exitCode === 0 ? [table] : [];
  return { mounts, links, netns: ourNetns, cgroups, ipam, nftTables };
}

/** Stops the daemon, removes what it left on purpose (the bridge, the empty cgroup parent) and the data dir. */
export async function destroyInstance(i: Instance, daemon: PodletDaemon | undefined): Promise<Leftovers> {
  for (const f of await readdir(i.manifests).catch(() => [] as string[])) await removeManifest(i, f);
  if (daemon?.pid)
    await waitFor('pods removed', async () => (await ps(i)).length === 0, 120_000).catch(() => undefined);
  await daemon?.stop();
  const found = await leftovers(i);
  await runUnchecked('ip', ['link', 'delete', i.bridge]);
  for (const table of found.nftTables) await runUnchecked('nft', ['delete', 'table', 'ip', table]);
  for (const ctl of await readdir('/sys/fs/cgroup')) {
    await runUnchecked('find', [
      join('/sys/fs/cgroup', ctl, i.cgroupParent),
      '-depth',
      '-type',
      'd',
      '-delete',
    ]);
  }
  for (const m of [...found.mounts].reverse()) await runUnchecked('umount', ['-l', m.split(' ')[1] ?? '']);
  await rm(i.dataDir, { recursive: true, force: true });
  return found;
}

export const NOTHING_LEFT: Leftovers = {
  mounts: [],
  links: [],
  netns: [],
  cgroups: [],
  ipam: [],
  nftTables: [],
};

/** One podlet instance per suite, with the test image imported; `daemon` may be replaced by the tests. */
export interface PodletFixture {
  instance: Instance;
  daemon: PodletDaemon;
}

/**
 * Registers the suite's `before` (a fresh instance, the test image, `podlet serve` running, with `serveArgs` added)
 * and `after` (every pod removed, the daemon stopped, and an assertion that nothing at all is left on the host).
 */
export function usePodlet(options: { serveArgs?: () => Promise<string[]> } = {}): PodletFixture {
  const fixture = {} as PodletFixture;
  before(async () => {
    fixture.instance = await newInstance();
    await importTestImage(fixture.instance);
    fixture.daemon = new PodletDaemon(fixture.instance, (await options.serveArgs?.()) ?? []);
    fixture.daemon.start();
  });
  after(async () => {
    const left = await destroyInstance(fixture.instance, fixture.daemon);
    assert.deepEqual(left, NOTHING_LEFT, 'nothing is left behind on the host');
  });
  return fixture;
}
