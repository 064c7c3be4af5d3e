import { Readable } from 'node:stream';
import { normalizeArchiveNames, type ArchiveContents, type ArchiveImage } from './archive-reader.js';
import type { BlobInfo, ContentStore, ExpectedContent } from './content-store.js';
import { detectCompression } from './decompress.js';
import { ImageArchiveError } from './errors.js';
import { MediaType } from './oci.js';

/** One image in a `docker save` manifest.json (moby image/tarexport). Paths are relative to the archive root. */
interface DockerArchiveImage {
  config: string;
  repoTags: string[];
  layers: string[];
}

/** Blob file names that carry their digest: OCI-style paths (docker 25+) and the `<id>.json` config of older saves. */
const DIGEST_IN_PATH = [/^blobs\/sha256\/([a-f0-9]{64})$/, /^([a-f0-9]{64})\.json$/];

/**
 * The images of a `docker save` (or `skopeo copy ... docker-archive:`) archive. Such an archive has no manifest, so
 * one is made as containerd's importer does: a Docker schema 2 manifest over the config and layer blobs, stored in the
 * content store like any other, so the same archive always yields the same manifest digest.
 */
export async function importDockerArchive(
  contents: ArchiveContents,
  content: ContentStore,
): Promise<ArchiveImage[]> {
  const manifestJson = contents.document('manifest.json');
  if (manifestJson === undefined)
    throw new ImageArchiveError(contents.file, 'docker archive without manifest.json');
  const images: ArchiveImage[] = [];
  for (const image of parseManifestJson(contents.file, manifestJson)) {
    const config = await contents.commit(
      image.config,
      `config ${image.config}`,
      expectedFromPath(image.config),
    );
    const layers: Array<BlobInfo & { mediaType: string }> = [];
    for (const path of image.layers) {
      const layer = await contents.commit(path, `layer ${path}`, expectedFromPath(path));
      const gzipped = detectCompression(await content.head(layer.digest, 4)) === 'gzip';
      layers.push({ mediaType: gzipped ? MediaType.dockerLayerGzip : MediaType.dockerLayer, ...layer });
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, ...config },
      layers,
    };
    const stored = await content.ingest(Readable.from([Buffer.from(JSON.stringify(manifest))]), 'manifest');
    images.push({
      names: normalizeArchiveNames(contents.file, image.repoTags, 'manifest.json'),
      target: stored.digest,
    });
  }
  return images;
}

function parseManifestJson(file: string, data: Buffer): DockerArchiveImage[] {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new ImageArchiveError(file, 'manifest.json is not valid JSON', { cause: e });
  }
  if (!Array.isArray(value)) throw new ImageArchiveError(file, 'manifest.json is not a list');
  return value.map((item: unknown, i) => {
    const { Config: config, RepoTags: repoTags, Layers: layers } = (item ?? {}) as Record<string, unknown>;
    if (
      typeof config !== 'string' ||
      !isStringList(layers) ||
      !(repoTags == null || isStringList(repoTags))
    ) {
      throw new ImageArchiveError(file, `manifest.json entry ${i} has no Config, Layers and RepoTags`);
    }
    return { config, layers, repoTags: repoTags ?? [] };
  });
}

function expectedFromPath(path: string): ExpectedContent {
  for (const pattern of DIGEST_IN_PATH) {
    const hex = pattern.exec(path)?.[1];
    if (hex !== undefined) return { digest: `sha256:${hex}` };
  }
  return {};
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((s) => typeof s === 'string');
}
