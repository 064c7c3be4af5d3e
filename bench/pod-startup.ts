import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listRuntime } from '../src/cli/ps-command.js';
import {
  destroyInstance, importTestImage, newInstance, PodletDaemon, removeManifest, REPO, TEST_IMAGE_ARCHIVE, waitFor,
  writeManifest, type Instance,
} from '../test/integration/support/podlet-process.js'; // prettier-ignore
import { PodmanPeer } from './podman-peer.js';
import { summarize, type Figure } from './stats.js';

export const STARTUP_MANIFEST = join(REPO, 'bench', 'manifests', 'two-containers.yaml');
/** How often podlet's runtime state is read while timing; the figure's resolution. */
export const POLL_MS = 10;

/** Issue 6 asks for p50/p95 of create -> Ready over 30 runs at the default 10: its runs, and its peer's, are thrice. */
export const READY_RUNS_FACTOR = 3;

/** Time from a pod manifest to both containers running, two containers, local image; podlet vs `podman kube play`. */
export async function podStartup(runs: number, log: (line: string) => void): Promise<Figure> {
  const podlet = await timePodlet(runs, log);
  const podman = await podmanPlayTimes(runs * READY_RUNS_FACTOR, log);
  return summarize('manifest -> 2 containers running', podlet, 'podman kube play', podman, 3);
}

async function timePodlet(runs: number, log: (line: string) => void): Promise<number[]> {
  const instance = await newInstance();
  const daemon = new PodletDaemon(instance);
  const times: number[] = [];
  try {
    await importTestImage(instance);
    daemon.start();
    await waitFor('podlet serving', async () => daemon.log.includes('podlet serving'));
    const yaml = await readFile(STARTUP_MANIFEST, 'utf8');
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await writeManifest(instance, 'bench.yaml', yaml);
      await waitFor(
        'both containers running',
        async () => (await runningContainers(instance)) === 2,
        60_000,
        POLL_MS,
      );
      times.push(performance.now() - start);
      await removeManifest(instance, 'bench.yaml');
      await waitFor(
        'pod gone',
        async () => (await listRuntime(instance.dataDir, instance.cgroupParent)).length === 0,
        60_000,
      );
      log(`podlet run ${i + 1}/${runs}: ${times.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    await destroyInstance(instance, daemon);
  }
  return times;
}

async function runningContainers(i: Instance): Promise<number> {
  const pods = await listRuntime(i.dataDir, i.cgroupParent);
  return pods.flatMap((p) => p.containers).filter((c) => c.state === 'running').length;
}

let podmanPlays: Promise<number[]> | undefined;

/**
 * `podman kube play` of the startup manifest, `runs` times: the peer of both the manifest and the API startup
 * figures, measured once per bench (it is the same work for podman) to keep the bench within its 15 minutes; the
 * first caller's count holds.
 */
export function podmanPlayTimes(runs: number, log: (line: string) => void): Promise<number[]> {
  podmanPlays ??= timePodman(runs, log);
  return podmanPlays;
}

async function timePodman(runs: number, log: (line: string) => void): Promise<number[]> {
  const peer = await PodmanPeer.create(TEST_IMAGE_ARCHIVE);
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await peer.play(STARTUP_MANIFEST); // returns once every container has been started
      times.push(performance.now() - start);
      await peer.down(STARTUP_MANIFEST);
      log(`podman run ${i + 1}/${runs}: ${times.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    await peer.destroy();
  }
  return times;
}
