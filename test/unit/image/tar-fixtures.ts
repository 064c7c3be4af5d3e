// Builds layer tars and image archives in memory, so tests control every byte (and can break them on purpose).
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar, { type Header } from 'tar-stream';

export type TarEntrySpec = Partial<Header> & { name: string; content?: string | Buffer };

export async function buildTar(entries: readonly TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const { content, ...header } of entries) {
    const defaults = {
      mode: header.type === 'directory' ? 0o755 : 0o644,
      mtime: new Date('2024-01-02T03:04:05Z'),
    };
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (content === undefined) pack.entry({ ...defaults, ...header }, done);
      else pack.entry({ ...defaults, ...header }, content, done);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export function sha256(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function hex(digest: string): string {
  return digest.slice('sha256:'.length);
}

export async function* chunksOf(data: Buffer): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += 1000) yield data.subarray(offset, offset + 1000);
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `podlet-${prefix}-`));
}

/** An image built in memory: its layer tars, config and the blobs an archive of it holds. */
export interface TestImage {
  layers: Buffer[];
  config: Buffer;
  configDigest: string;
  diffIds: string[];
}

export function testImage(
  layers: Buffer[],
  config: object = { Cmd: ['/bin/sh'] },
  diffIds?: string[],
): TestImage {
  const ids = diffIds ?? layers.map((layer) => sha256(layer));
  const document = {
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-02T03:04:05Z',
    config,
    rootfs: { type: 'layers', diff_ids: ids },
  };
  const configBytes = Buffer.from(JSON.stringify(document));
  return { layers, config: configBytes, configDigest: sha256(configBytes), diffIds: ids };
}

export interface OciArchiveOptions {
  names: string[];
  /** Replaces a blob's content while keeping the name its original digest gave it. */
  corrupt?: (digest: string, content: Buffer) => Buffer;
  /** Names an image index holding this manifest for the given platform and one for s390x (absent, as skopeo does). */
  platform?: { os: string; architecture: string };
}

/** An oci-archive: an OCI layout (oci-layout, index.json, blobs/sha256/...) as a tar, layers gzip-compressed. */
export async function ociArchive(
  image: TestImage,
  options: OciArchiveOptions,
): Promise<{ tar: Buffer; manifestDigest: string; target: string }> {
  const blobs = new Map<string, Buffer>();
  const add = (content: Buffer): { digest: string; size: number } => {
    const digest = sha256(content);
    blobs.set(digest, content);
    return { digest, size: content.length };
  };
  const layers = image.layers.map((layer) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    ...add(gzipSync(layer)),
  }));
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', ...add(image.config) };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config,
      layers,
    }),
  );
  const manifestDescriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...add(manifest) };
  let target = manifestDescriptor;
  if (options.platform !== undefined) {
    const otherPlatform = {
      ...manifestDescriptor,
      digest: sha256('absent'),
      platform: { os: 'linux', architecture: 's390x' },
    };
    const manifests = [otherPlatform, { ...manifestDescriptor, platform: options.platform }];
    const imageIndex = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests }));
    target = { mediaType: 'application/vnd.oci.image.index.v1+json', ...add(imageIndex) };
  }
  const index = {
    schemaVersion: 2,
    manifests: options.names.map((name) => ({
      ...target,
      annotations: { 'org.opencontainers.image.ref.name': name },
    })),
  };
  const entries: TarEntrySpec[] = [
    { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', content: JSON.stringify(index) },
    { name: 'blobs/', type: 'directory' },
    { name: 'blobs/sha256/', type: 'directory' },
    ...[...blobs].map(([digest, content]) => ({
      name: `blobs/sha256/${hex(digest)}`,
      content: options.corrupt?.(digest, content) ?? content,
    })),
  ];
  return { tar: await buildTar(entries), manifestDigest: manifestDescriptor.digest, target: target.digest };
}

/** A `docker save` archive as skopeo writes it: `<config hex>.json`, `<layer hex>.tar`, manifest.json. */
export function dockerArchive(
  images: ReadonlyArray<{ image: TestImage; repoTags: string[] }>,
): Promise<Buffer> {
  const files = new Map<string, Buffer>();
  const manifest = images.map(({ image, repoTags }) => {
    const config = `${hex(image.configDigest)}.json`;
    files.set(config, image.config);
    const layers = image.layers.map((layer) => {
      const name = `${hex(sha256(layer))}.tar`;
      files.set(name, layer);
      return name;
    });
    return { Config: config, RepoTags: repoTags, Layers: layers };
  });
  return buildTar([
    ...[...files].map(([name, content]) => ({ name, content })),
    { name: 'manifest.json', content: JSON.stringify(manifest) },
  ]);
}
