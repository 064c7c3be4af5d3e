// A pull-only client of the OCI distribution API (opencontainers/distribution-spec spec.md "Pulling manifests" and
// "Pulling blobs"), the part of containerd's remotes/docker resolver and fetcher the kubelet's image pulls need.
import type { BlobInfo, ContentStore } from '../content-store.js';
import { isSha256Digest, sha256Digest } from '../digest.js';
import { ContentVerificationError, MalformedImageError, messageOf } from '../errors.js';
import {
  hostPlatform,
  isIndex,
  MAX_DOCUMENT_BYTES,
  MediaType,
  parseDocument,
  parseIndex,
  parseManifest,
  selectPlatform,
  type Manifest,
  type Platform,
} from '../oci.js';
import {
  formatImageReference,
  parseImageReference,
  withDefaultTag,
  type ImageReference,
} from '../reference.js';
import { RegistryAuthenticator } from './auth.js';
import type { CredentialMap } from './docker-config.js';
import { ManifestNotFoundError, RegistryError, requestFailed } from './errors.js';

export interface RegistryClientOptions {
  /** `host:port` of registries spoken to over plain HTTP; every other registry over HTTPS. */
  insecureRegistries?: readonly string[];
  /** Credentials by registry host, from a docker config or a dockerconfigjson secret. */
  credentials?: CredentialMap;
  /** The platform picked from an index; the host's by default. */
  platform?: Platform;
  /** How long to wait for a response's headers (not its body: a large layer may take minutes). */
  responseTimeoutMs?: number;
}

/** A manifest or index as the registry served it: its bytes are stored as they are, under the digest of those bytes. */
export interface ManifestDocument {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface ResolvedImage {
  /** The reference pulled, with `latest` added when it named neither tag nor digest. */
  reference: ImageReference;
  /** The digest the reference points at: an index for a multi-platform image, else the manifest. */
  target: string;
  /** The documents to store before the blobs: the index (if any), then the platform's manifest. */
  documents: ManifestDocument[];
  manifest: Manifest;
}

/** Everything a registry may answer a manifest request with, as containerd's resolver asks for it. */
const MANIFEST_ACCEPT = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
].join(', ');
const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;

export class RegistryClient {
  readonly #auth: RegistryAuthenticator;
  readonly #insecure: ReadonlySet<string>;
  readonly #platform: Platform;
  readonly #timeoutMs: number;

  constructor(options: RegistryClientOptions = {}) {
    this.#auth = new RegistryAuthenticator(options.credentials);
    this.#insecure = new Set(options.insecureRegistries ?? []);
    this.#platform = options.platform ?? hostPlatform();
    this.#timeoutMs = options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
  }

  /** Fetches what a reference points at, down to the manifest of this client's platform. */
  async resolve(input: string | ImageReference): Promise<ResolvedImage> {
    const reference = withDefaultTag(typeof input === 'string' ? parseImageReference(input) : input);
    const top = await this.fetchManifest(reference, reference.digest ?? reference.tag ?? '');
    const documents = [top];
    let what = `manifest ${formatImageReference(reference)}`;
    let document = parseDocument(top.bytes, what);
    if (isIndex(document, top.mediaType)) {
      const indexWhat = `index ${formatImageReference(reference)}`;
      const chosen = selectPlatform(parseIndex(document, indexWhat), indexWhat, this.#platform);
      const manifest = await this.fetchManifest(reference, chosen.digest);
      documents.push(manifest);
      what = `manifest ${chosen.digest}`;
      document = parseDocument(manifest.bytes, what);
    }
    return { reference, target: top.digest, documents, manifest: parseManifest(document, what) };
  }

  /** GETs a manifest or index by tag or digest; a digest reference is checked against the bytes received. */
  async fetchManifest(reference: ImageReference, tagOrDigest: string): Promise<ManifestDocument> {
    const response = await this.request(reference, `manifests/${tagOrDigest}`, MANIFEST_ACCEPT);
    const url = response.url;
    if (response.status === 404) {
      await response.body?.cancel();
      throw new ManifestNotFoundError(`${reference.domain}/${reference.path}:${tagOrDigest}`);
    }
    await expectOk(response);
    const bytes = await readLimited(response, MAX_DOCUMENT_BYTES);
    const digest = sha256Digest(bytes);
    const announced = tagOrDigest.includes(':') ? tagOrDigest : response.headers.get('docker-content-digest');
    if (announced !== null && isSha256Digest(announced) && announced !== digest) {
      throw new ContentVerificationError(`manifest ${url}: digest`, announced, digest);
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    return { digest, mediaType, bytes };
  }

  /**
   * Streams a blob into the content store, verifying its size as it arrives and its digest at the end: content that is
   * not what the manifest says raises ContentVerificationError and nothing is stored. onBytes sees each chunk's size.
   */
  async fetchBlob(
    into: ContentStore,
    reference: ImageReference,
    blob: BlobInfo,
    onBytes: (bytes: number) => void = () => {},
  ): Promise<BlobInfo> {
    if (!isSha256Digest(blob.digest)) throw new MalformedImageError(blob.digest, 'is not a sha256 digest');
    const response = await this.request(reference, `blobs/${blob.digest}`, '*/*');
    await expectOk(response);
    const what = `blob ${blob.digest} of ${reference.domain}/${reference.path}`;
    const ingestion = await into.begin();
    try {
      await ingestion.append(limitedBody(response, blob.size, what, onBytes));
    } catch (e) {
      await ingestion.abort();
      if (e instanceof ContentVerificationError) throw e;
      throw new RegistryError(response.url, `download interrupted: ${messageOf(e)}`, undefined, { cause: e });
    }
    return into.commit(ingestion, what, blob);
  }

  /** One request with the auth dance: try the cached credentials, answer a 401 challenge once, then give up. */
  private async request(reference: ImageReference, path: string, accept: string): Promise<Response> {
    const { domain, path: repository } = reference;
    const url = `${this.#insecure.has(domain) ? 'http' : 'https'}://${apiHost(domain)}/v2/${repository}/${path}`;
    const cached = this.#auth.cached(domain, repository);
    const first = await this.send(url, accept, cached);
    if (first.status !== 401) return first;
    await first.body?.cancel();
    const authorization = await this.#auth.authorize(
      domain,
      repository,
      first.headers.get('www-authenticate'),
    );
    const second = await this.send(url, accept, authorization);
    if (second.status === 401 || second.status === 403) {
      await second.body?.cancel();
      throw this.#auth.rejected(domain, repository);
    }
    return second;
  }

  /**
   * fetch follows redirects (blob storage such as S3) and, by the fetch standard, drops Authorization when one leaves
   * the registry's origin. The timeout covers the wait for headers only.
   */
  private async send(url: string, accept: string, authorization: string | undefined): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`no response in ${this.#timeoutMs}ms`)),
      this.#timeoutMs,
    );
    const headers: Record<string, string> = { accept };
    if (authorization !== undefined) headers.authorization = authorization;
    try {
      return await fetch(url, { headers, redirect: 'follow', signal: controller.signal });
    } catch (e) {
      throw requestFailed(url, 'request', e);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Docker Hub's API lives on another host than the name references use (containerd docker/config_unix.go). */
function apiHost(domain: string): string {
  return domain === 'docker.io' ? 'registry-1.docker.io' : domain;
}

async function expectOk(response: Response): Promise<void> {
  if (response.ok) return;
  const detail = (await response.text().catch(() => '')).slice(0, 200).trim();
  throw new RegistryError(
    response.url,
    `HTTP ${response.status}${detail === '' ? '' : `: ${detail}`}`,
    response.status,
  );
}

async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of limitedBody(response, maxBytes, `document ${response.url}`, () => {})) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The response body, cut off with an error as soon as it grows past the size it was announced with. */
async function* limitedBody(
  response: Response,
  maxBytes: number,
  what: string,
  onBytes: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  if (response.body === null) return;
  let received = 0;
  for await (const chunk of response.body) {
    received += chunk.byteLength;
    // Throwing out of the loop cancels the stream, so a registry that sends too much is cut off at once.
    if (received > maxBytes) {
      throw new ContentVerificationError(`${what}: size`, `at most ${maxBytes}`, `more than ${maxBytes}`);
    }
    onBytes(chunk.byteLength);
    yield chunk;
  }
}
