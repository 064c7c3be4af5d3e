// Pull of a multi-layer image (> 50 MB, built here) from a local docker-registry into an empty store, beside
// `skopeo copy` to an OCI layout + `umoci unpack` of the same image; and podlet's layer unpack beside umoci's alone.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryClient } from '../src/image/registry/client.js';
import { pullImage } from '../src/image/registry/pull.js';
import { ImageStore } from '../src/image/store.js';
import { unpackLayer } from '../src/image/unpack.js';
import { run } from '../src/util/exec.js';
import { tempDir } from '../test/unit/image/tar-fixtures.js';
import { startRegistry } from '../test/integration/support/registry.js';
import { summarize, type Figure } from './stats.js';

const REPOSITORY = 'bench/big';
const RANDOM_LAYERS = 3;
const RANDOM_LAYER_BYTES = 20 * 1024 * 1024;
const SMALL_FILES = 3000;

export async function imagePull(runs: number, log: (line: string) => void): Promise<Figure[]> {
  const dir = await tempDir('bench-pull');
  const registry = await startRegistry(join(dir, 'registry'));
  try {
    const layout = await buildBigImage(dir, log);
    await registry.push(`${layout}:big`, `${REPOSITORY}:1`);
    const ref = `${registry.host}/${REPOSITORY}:1`;
    const podlet: number[] = [];
    const peer: number[] = [];
    const podletUnpack: number[] = [];
    const umociUnpack: number[] = [];
    for (let i = 0; i < runs; i++) {
      const run_ = join(dir, `run-${i}`);
      podlet.push(await timed(() => pullInto(join(run_, 'podlet'), ref, registry.host)));
      const ociDir = join(run_, 'oci');
      const copy = await timed(() => skopeoCopy(ref, ociDir));
      const unpack = await timed(() =>
        run('umoci', ['unpack', '--image', `${ociDir}:1`, join(run_, 'bundle')], { timeoutMs: 300_000 }),
      );
      peer.push(copy + unpack);
      umociUnpack.push(unpack);
      podletUnpack.push(await timed(() => unpackLayers(ociDir, join(run_, 'layers'))));
      await rm(run_, { recursive: true, force: true });
      log(
        `image pull run ${i + 1}/${runs}: podlet ${podlet.at(-1)!.toFixed(0)} ms, skopeo+umoci ${peer.at(-1)!.toFixed(0)} ms`,
      );
    }
    return [
      summarize('pull 63 MB, 4 layers, into empty store', podlet, 'skopeo copy + umoci unpack', peer, 1),
      summarize('unpack the same 4 layers', podletUnpack, 'umoci unpack', umociUnpack, 1),
    ];
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function pullInto(root: string, ref: string, host: string): Promise<void> {
  const store = await ImageStore.open(join(root, 'images'));
  await pullImage(store, new RegistryClient({ insecureRegistries: [host] }), ref);
}

async function skopeoCopy(ref: string, ociDir: string): Promise<void> {
  await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${ociDir}:1`], {
    timeoutMs: 300_000,
  });
}

/** Each layer blob of the OCI layout unpacked in order into its own directory, as podlet's layer store does. */
async function unpackLayers(ociDir: string, target: string): Promise<void> {
  const index = JSON.parse(await readFile(join(ociDir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const blob = (digest: string) => join(ociDir, 'blobs', 'sha256', digest.replace('sha256:', ''));
  const manifest = JSON.parse(await readFile(blob(index.manifests[0]!.digest), 'utf8')) as {
    layers: { digest: string }[];
  };
  for (const [i, layer] of manifest.layers.entries()) {
    const dir = join(target, String(i));
    await mkdir(dir, { recursive: true });
    const { createReadStream } = await import('node:fs');
    await unpackLayer(createReadStream(blob(layer.digest)), dir);
  }
}

/**
 * Random (incompressible) layers plus one of many small files, the shapes that cost a puller most. Built with
 * `umoci repack` (umoci 0.4.7's `insert` can cut a layer's last tar block short).
 */
async function buildBigImage(dir: string, log: (line: string) => void): Promise<string> {
  log('building the pull benchmark image (3 x 20 MB random layers, 3000 small files)');
  const layout = join(dir, 'layout');
  const image = `${layout}:big`;
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', image]);
  const bundle = join(dir, 'bundle');
  await run('umoci', ['unpack', '--image', image, bundle]);
  const data = join(bundle, 'rootfs', 'data');
  await mkdir(data, { recursive: true });
  for (let i = 0; i < RANDOM_LAYERS; i++) {
    await writeFile(join(data, `blob-${i}`), randomBytes(RANDOM_LAYER_BYTES));
    await run('umoci', ['repack', '--image', image, bundle], { timeoutMs: 120_000 });
  }
  const small = join(data, 'small');
  await mkdir(small);
  for (let i = 0; i < SMALL_FILES; i++) await writeFile(join(small, `f${i}`), `file ${i}\n`.repeat(20));
  await run('umoci', ['repack', '--image', image, bundle], { timeoutMs: 120_000 });
  log(`benchmark image: ${(await readdir(join(layout, 'blobs', 'sha256'))).length} blobs`);
  return layout;
}
