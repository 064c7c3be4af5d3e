// Images built in memory and published to a TestRegistry: an OCI manifest, optionally inside a two-platform index.
import { MediaType } from '../../../../src/image/oci.js';
import { buildTar, sha256, testImage } from '../tar-fixtures.js';
import type { TestRegistry } from './test-registry.js';

export interface PublishedImage {
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
}

export async function publishImage(
  registry: TestRegistry,
  repo: string,
  tag: string | undefined,
  files: Record<string, string>,
): Promise<PublishedImage> {
  const layers = await Promise.all(
    Object.entries(files).map(([name, content]) => buildTar([{ name, content, mode: 0o644 }])),
  );
  const image = testImage(layers);
  registry.addBlob(image.config);
  const layerDigests = layers.map((layer) => registry.addBlob(layer));
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: image.configDigest,
      size: image.config.length,
    },
    layers: layers.map((layer) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: sha256(layer),
      size: layer.length,
    })),
  };
  const manifestDigest = registry.addManifest(repo, manifest, MediaType.ociManifest, tag);
  return { manifestDigest, configDigest: image.configDigest, layerDigests };
}

/** Publishes an index under `tag` whose linux/amd64 and linux/arm64 entries are two different images. */
export async function publishIndex(
  registry: TestRegistry,
  repo: string,
  tag: string,
): Promise<{ indexDigest: string; amd64: PublishedImage; arm64: PublishedImage }> {
  const amd64 = await publishImage(registry, repo, undefined, { 'arch.txt': 'amd64' });
  const arm64 = await publishImage(registry, repo, undefined, { 'arch.txt': 'arm64' });
  const entry = (image: PublishedImage, architecture: string): object => {
    const bytes = registry.manifests.get(`${repo}/${image.manifestDigest}`)?.bytes ?? Buffer.alloc(0);
    return {
      mediaType: MediaType.ociManifest,
      digest: image.manifestDigest,
      size: bytes.length,
      platform: { os: 'linux', architecture },
    };
  };
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [entry(arm64, 'arm64'), entry(amd64, 'amd64')],
  };
  return { indexDigest: registry.addManifest(repo, index, MediaType.ociIndex, tag), amd64, arm64 };
}
