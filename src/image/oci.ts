// OCI image-spec (and Docker schema 2) documents: just the fields the store reads, checked on parse so that a bad
// manifest fails with a message naming it instead of an undefined deep inside the store.
import { isSha256Digest } from './digest.js';
import { MalformedImageError } from './errors.js';
import type { ImageConfig } from './types.js';

export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export const AnnotationRefName = 'org.opencontainers.image.ref.name';
/** containerd's full image name, next to the OCI ref name that may hold only a tag (containerd images/annotations.go). */
export const AnnotationContainerdImageName = 'io.containerd.image.name';

/** Manifests, indexes and configs are small; containerd and the registries cap them at a few MiB. */
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
}

export interface Index {
  manifests: Descriptor[];
}

export interface Manifest {
  config: Descriptor;
  layers: Descriptor[];
}

export interface ConfigFile {
  created?: string;
  architecture?: string;
  os?: string;
  config: ImageConfig;
  diffIds: string[];
}

type Json = Record<string, unknown>;

/** An index (multi-platform) rather than a manifest, by the descriptor's media type, the document's own, or its shape. */
export function isIndex(document: Json, mediaType: unknown = document.mediaType): boolean {
  if (mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList) return true;
  if (mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest) return false;
  return Array.isArray(document.manifests);
}

export function parseDocument(data: Buffer, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new MalformedImageError(what, 'is not valid JSON', { cause: e });
  }
  if (!isObject(value)) throw new MalformedImageError(what, 'is not a JSON object');
  return value;
}

export function parseIndex(document: Json, what: string): Index {
  if (!Array.isArray(document.manifests)) throw new MalformedImageError(what, 'has no manifests list');
  return { manifests: document.manifests.map((d, i) => parseDescriptor(d, `${what} manifests[${i}]`)) };
}

export function parseManifest(document: Json, what: string): Manifest {
  if (document.schemaVersion !== 2) throw new MalformedImageError(what, 'is not a schema version 2 manifest');
  if (!Array.isArray(document.layers)) throw new MalformedImageError(what, 'has no layers list');
  return {
    config: parseDescriptor(document.config, `${what} config`),
    layers: document.layers.map((d, i) => parseDescriptor(d, `${what} layers[${i}]`)),
  };
}

export function parseConfigFile(document: Json, what: string): ConfigFile {
  const rootfs = document.rootfs;
  const diffIds = isObject(rootfs) ? rootfs.diff_ids : undefined;
  if (!Array.isArray(diffIds) || !diffIds.every(isSha256Digest)) {
    throw new MalformedImageError(what, 'rootfs.diff_ids is not a list of sha256 digests');
  }
  const result: ConfigFile = { config: imageConfigOf(document.config), diffIds };
  for (const key of ['created', 'architecture', 'os'] as const) {
    const value = document[key];
    if (typeof value === 'string') result[key] = value;
  }
  return result;
}

function parseDescriptor(value: unknown, what: string): Descriptor {
  if (!isObject(value)) throw new MalformedImageError(what, 'is not a descriptor');
  const { mediaType, digest, size, annotations, platform } = value;
  if (!isSha256Digest(digest))
    throw new MalformedImageError(what, `digest ${String(digest)} is not a sha256 digest`);
  if (!Number.isSafeInteger(size) || (size as number) < 0)
    throw new MalformedImageError(what, 'has no valid size');
  const descriptor: Descriptor = {
    mediaType: typeof mediaType === 'string' ? mediaType : '',
    digest,
    size: size as number,
  };
  if (isStringRecord(annotations)) descriptor.annotations = annotations;
  if (isObject(platform) && typeof platform.architecture === 'string' && typeof platform.os === 'string') {
    descriptor.platform = { architecture: platform.architecture, os: platform.os };
    if (typeof platform.variant === 'string') descriptor.platform.variant = platform.variant;
  }
  return descriptor;
}

/** Copies the fields of ImageConfig that have the right type; anything else in the config is not podlet's business. */
function imageConfigOf(value: unknown): ImageConfig {
  const config: ImageConfig = {};
  if (!isObject(value)) return config;
  for (const key of ['User', 'WorkingDir', 'StopSignal'] as const) {
    const field = value[key];
    if (typeof field === 'string') config[key] = field;
  }
  for (const key of ['Env', 'Entrypoint', 'Cmd'] as const) {
    const field = value[key];
    if (Array.isArray(field) && field.every((s) => typeof s === 'string')) config[key] = field;
  }
  for (const key of ['ExposedPorts', 'Volumes'] as const) {
    const field = value[key];
    if (isObject(field)) config[key] = field as Record<string, object>;
  }
  if (isStringRecord(value.Labels)) config.Labels = value.Labels;
  return config;
}

/** The platform this process runs on, in Go's GOOS/GOARCH words as image indexes use them. */
export function hostPlatform(): Platform {
  const goArch: Partial<Record<string, string>> = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le' };
  return { os: 'linux', architecture: goArch[process.arch] ?? process.arch };
}

/** The index entry for the host platform (containerd's platforms.Default matcher, less the variant ranking). */
export function samePlatform(a: Platform | undefined, b: Platform): boolean {
  return a?.os === b.os && a.architecture === b.architecture;
}

export function selectPlatform(index: Index, what: string, platform: Platform = hostPlatform()): Descriptor {
  const match = index.manifests.find((d) => samePlatform(d.platform, platform));
  if (match === undefined) {
    throw new MalformedImageError(
      what,
      `has no manifest for platform ${platform.os}/${platform.architecture}`,
    );
  }
  return match;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((v) => typeof v === 'string');
}
