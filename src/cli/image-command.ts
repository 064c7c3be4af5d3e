import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { RegistryClient } from '../image/registry/client.js';
import { pullImage } from '../image/registry/pull.js';
import { normalizeImageReference } from '../image/reference.js';
import { ImageStore } from '../image/store.js';
import { readContainerRecords } from '../runtime/container-observe.js';
import { RuntimePaths } from '../runtime/paths.js';
import type { ImageRecord } from '../image/types.js';
import { humanSize } from './human-size.js';
import { age, dataDirOption, fail, jsonOption, printJson, printTable } from './output.js';
import { pullProgressDisplay } from './pull-progress.js';
import {
  pullProgressTimeoutMs,
  registryCredentials,
  withRegistryOptions,
  type RegistryOptions,
} from './registry-options.js';

interface StoreOptions {
  dataDir: string;
  json?: boolean;
}

type PullCommandOptions = StoreOptions & RegistryOptions;

/** `podlet image ...`: the local image store, used directly (no daemon needed). */
export function imageCommand(): Command {
  return new Command('image')
    .description('manage the local image store')
    .addCommand(
      storeCommand('import', 'import an OCI archive or a docker save archive')
        .argument('<file>', 'the archive (oci-archive tar or docker save tar, optionally gzip-compressed)')
        .action(withStore(importImages)),
    )
    .addCommand(
      withRegistryOptions(
        storeCommand('pull', 'pull an image from a registry (OCI distribution API)').argument(
          '<ref>',
          'image reference, e.g. registry.example:5000/team/app:v1 or ...@sha256:<digest>',
        ),
      ).action(withStore(pullToStore)),
    )
    .addCommand(storeCommand('ls', 'list images').action(withStore(listImages)))
    .addCommand(
      storeCommand('rm', 'remove an image name (by name, ID or ID prefix: all its names)')
        .argument('<ref>', 'image reference or ID')
        .action(withStore(removeImage)),
    )
    .addCommand(
      storeCommand(
        'prune',
        'remove images no container uses, then the blobs and layers no image needs',
      ).action(withStore(pruneImages)),
    );
}

function storeCommand(name: string, description: string): Command {
  return new Command(name).description(description).addOption(dataDirOption()).addOption(jsonOption());
}

/** Opens the store under `<data-dir>/images` and runs the subcommand; any error is one `podlet: ...` line, exit 1. */
function withStore<O extends StoreOptions>(
  action: (store: ImageStore, options: O, args: readonly string[]) => Promise<void>,
): (this: Command) => Promise<void> {
  return async function (this: Command) {
    const options = this.opts<O>();
    try {
      await action(await ImageStore.open(join(options.dataDir, 'images')), options, this.args);
    } catch (e) {
      fail(e);
    }
  };
}

async function importImages(
  store: ImageStore,
  options: StoreOptions,
  [file = '']: readonly string[],
): Promise<void> {
  const records = await store.importArchive(resolve(file));
  if (options.json) return printJson(records);
  for (const name of records.flatMap((r) => r.names)) process.stdout.write(`Loaded image: ${name}\n`);
}

async function pullToStore(
  store: ImageStore,
  options: PullCommandOptions,
  [reference = '']: readonly string[],
): Promise<void> {
  const client = new RegistryClient({
    insecureRegistries: options.insecureRegistry,
    credentials: await registryCredentials(options),
    progressTimeoutMs: pullProgressTimeoutMs(options),
  });
  const record = await pullImage(store, client, reference, {
    onProgress: pullProgressDisplay(process.stderr),
  });
  if (options.json) return printJson(record);
  process.stdout.write(`Digest: ${record.manifestDigest}\nPulled: ${normalizeImageReference(reference)}\n`);
}

async function listImages(store: ImageStore, options: StoreOptions): Promise<void> {
  const records = await store.list();
  if (options.json) return printJson(records);
  const rows = records.flatMap((r: ImageRecord) =>
    r.names.map((name) => [name, r.manifestDigest, humanSize(r.size), age(r.created)]),
  );
  printTable(['REFERENCE', 'DIGEST', 'SIZE', 'CREATED'], rows);
}

async function removeImage(
  store: ImageStore,
  options: StoreOptions,
  [reference = '']: readonly string[],
): Promise<void> {
  await store.remove(reference, await imagesInUse(options.dataDir));
  if (options.json) return printJson({ deleted: reference });
  process.stdout.write(`Deleted: ${reference}\n`);
}

async function pruneImages(store: ImageStore, options: StoreOptions): Promise<void> {
  const result = await store.prune(await imagesInUse(options.dataDir));
  if (options.json) return printJson(result);
  process.stdout.write(
    `Deleted images: ${result.removedImages}\nDeleted layers: ${result.removedLayers}\n` +
      `Total reclaimed space: ${humanSize(result.freedBytes)}\n`,
  );
}

/**
 * Image ID -> the container using it, from the runtime's records on disk (a dead instance kept for `lastState`
 * counts: the kubelet may restart it from the same image).
 */
async function imagesInUse(dataDir: string): Promise<Map<string, string>> {
  const users = new Map<string, string>();
  for (const r of await readContainerRecords(new RuntimePaths(dataDir))) {
    users.set(r.imageId, `container ${r.id.slice(0, 12)} (${r.name} in pod ${r.podNamespace}/${r.podName})`);
  }
  return users;
}
