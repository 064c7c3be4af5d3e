import type { BlobInfo, ContentStore } from './content-store.js';
import { chainIds } from './digest.js';
import { MalformedImageError } from './errors.js';
import {
  isIndex,
  MAX_DOCUMENT_BYTES,
  parseConfigFile,
  parseDocument,
  parseIndex,
  parseManifest,
  hostPlatform,
  samePlatform,
  selectPlatform,
  type ConfigFile,
  type Descriptor,
  type Index,
  type Manifest,
} from './oci.js';

/** An image as its content describes it, from the digest a name points at down to its layers. */
export interface ImageContent {
  /** The digest a name points at: the manifest, or an index. */
  target: string;
  manifest: Manifest;
  configDigest: string;
  configFile: ConfigFile;
  /** One per layer, bottom first. */
  chainIds: string[];
  /** Every blob the image needs: index, manifest, config, layers. What prune keeps and the image's size. */
  blobs: BlobInfo[];
}

/**
 * Reads an image's documents from the content store. For an index: the host platform's manifest, or when only
 * another platform's was pulled (a client configured for it), the first of the index's manifests the store holds.
 */
export async function loadImageContent(content: ContentStore, target: string): Promise<ImageContent> {
  const targetInfo = await content.stat(target);
  if (targetInfo === undefined) throw new MalformedImageError(target, 'is not in the content store');
  const blobs: BlobInfo[] = [targetInfo];
  let what = `manifest ${target}`;
  let document = parseDocument(await content.read(target, MAX_DOCUMENT_BYTES), what);
  if (isIndex(document)) {
    const chosen = await storedManifest(content, parseIndex(document, `index ${target}`), `index ${target}`);
    blobs.push(chosen);
    what = `manifest ${chosen.digest}`;
    document = parseDocument(await content.read(chosen.digest, MAX_DOCUMENT_BYTES), what);
  }
  const manifest = parseManifest(document, what);
  const configDigest = manifest.config.digest;
  const configWhat = `config ${configDigest}`;
  const configFile = parseConfigFile(
    parseDocument(await content.read(configDigest, MAX_DOCUMENT_BYTES), configWhat),
    configWhat,
  );
  if (configFile.diffIds.length !== manifest.layers.length) {
    throw new MalformedImageError(
      what,
      `has ${manifest.layers.length} layers but its config lists ${configFile.diffIds.length} diff_ids`,
    );
  }
  blobs.push(manifest.config, ...manifest.layers);
  return {
    target,
    manifest,
    configDigest,
    configFile,
    chainIds: chainIds(configFile.diffIds),
    blobs: blobs.map(({ digest, size }) => ({ digest, size })),
  };
}

async function storedManifest(content: ContentStore, index: Index, what: string): Promise<Descriptor> {
  const host = index.manifests.find((d) => samePlatform(d.platform, hostPlatform()));
  for (const d of [...(host ? [host] : []), ...index.manifests]) if (await content.stat(d.digest)) return d;
  return selectPlatform(index, what);
}
