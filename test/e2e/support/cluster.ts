// The real kubectl against a real `podlet serve`: one instance per suite (its own data dir, bridge, CIDR, cgroup
// parent, API port), a kubeconfig from `podlet kubeconfig`, and kubectl with a fresh discovery cache.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { runUnchecked, type RunResult } from '../../../src/util/exec.js';
import {
  destroyInstance,
  importTestImage,
  NOTHING_LEFT,
  newInstance,
  PodletDaemon,
  podlet,
  waitFor,
  type Instance,
} from '../../integration/support/podlet-process.js';

export interface Cluster {
  instance: Instance;
  daemon: PodletDaemon;
  kubeconfig: string;
  /** kubectl (the dispatcher, or `kubectl.1.NN` when `version` is given); never throws on a non-zero exit. */
  kubectl(
    args: string[],
    options?: { version?: string; input?: string; env?: Record<string, string> },
  ): Promise<RunResult>;
  /** kubectl that must succeed; returns stdout. */
  ok(args: string[], options?: { version?: string; input?: string }): Promise<string>;
}

const KUBECTL_DIR = dirname(
  execFileSync('readlink', ['-f', execFileSync('sh', ['-c', 'command -v kubectl']).toString().trim()])
    .toString()
    .trim(),
);

export function kubectlPath(version?: string): string {
  return version === undefined ? 'kubectl' : join(KUBECTL_DIR, `kubectl.${version}`);
}

/** Registers the suite's before/after: podlet serving its API, and afterwards nothing left on the host. */
export function useCluster(options: { serveArgs?: () => Promise<string[]> } = {}): Cluster {
  const cluster = {} as Cluster;
  before(async () => {
    cluster.instance = await newInstance();
    await importTestImage(cluster.instance);
    cluster.daemon = new PodletDaemon(cluster.instance, (await options.serveArgs?.()) ?? []);
    cluster.daemon.start();
    const addressFile = join(cluster.instance.dataDir, 'api', 'address');
    await waitFor(
      'the API address',
      async () => (await readFile(addressFile, 'utf8').catch(() => '')).trim() !== '',
    );
    cluster.kubeconfig = join(cluster.instance.dataDir, 'kubeconfig');
    await writeFile(
      cluster.kubeconfig,
      await podlet(['kubeconfig', '--data-dir', cluster.instance.dataDir]),
      { mode: 0o600 },
    );
    cluster.kubectl = (args, options = {}) =>
      runUnchecked(kubectlPath(options.version), args, {
        env: {
          ...process.env,
          KUBECONFIG: cluster.kubeconfig,
          HOME: cluster.instance.dataDir,
          ...options.env,
        },
        // HOME in the data dir: the discovery cache (~/.kube/cache) belongs to this instance alone.
        ...(options.input !== undefined ? { input: options.input } : {}),
        timeoutMs: 120_000,
      });
    cluster.ok = async (args, options) => {
      const result = await cluster.kubectl(args, options);
      assert.equal(result.exitCode, 0, `kubectl ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout;
    };
    await waitFor(
      'the API answering',
      async () => (await cluster.kubectl(['get', 'ns', 'default'])).exitCode === 0,
    );
  });
  after(async () => {
    // Pods made through the API are removed through it, so the node stops them as on a real cluster.
    await cluster
      .kubectl(['delete', 'pods', '--all', '-A', '--grace-period=1', '--wait=true'])
      .catch(() => undefined);
    const left = await destroyInstance(cluster.instance, cluster.daemon);
    assert.deepEqual(left, NOTHING_LEFT, 'nothing is left behind on the host');
  });
  return cluster;
}
