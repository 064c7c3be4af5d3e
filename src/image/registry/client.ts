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
  /**
   * How long a response may make no progress: the wait for its headers, and any pause between two chunks of its body
   * (containerd's image_pull_progress_timeout). A large layer that keeps arriving may take minutes.
   */
  progressTimeoutMs?: number;
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
export const DEFAULT_PROGRESS_TIMEOUT_MS = 30_000;

/** A response and the watchdog that aborts it when it stalls; stop the watchdog once the body is read or dropped. */
interface Exchange {
  response: Response;
  watchdog: ProgressWatchdog;
}

export class RegistryClient {
  readonly #auth: RegistryAuthenticator;
  readonly #insecure: ReadonlySet<string>;
  readonly #platform: Platform;
  readonly #timeoutMs: number;

  constructor(options: RegistryClientOptions = {}) {
    this.#auth = new RegistryAuthenticator(options.credentials);
    this.#insecure = new Set(options.insecureRegistries ?? []);
    this.#platform = options.platform ?? hostPlatform();
    this.#timeoutMs = options.progressTimeoutMs ?? DEFAULT_PROGRESS_TIMEOUT_MS;
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
    const { response, watchdog } = await this.request(reference, `manifests/${tagOrDigest}`, MANIFEST_ACCEPT);
    try {
      return await readManifest(response, watchdog, reference, tagOrDigest);
    } finally {
      watchdog.stop();
    }
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
    const { response, watchdog } = await this.request(reference, `blobs/${blob.digest}`, '*/*');
    const what = `blob ${blob.digest} of ${reference.domain}/${reference.path}`;
    try {
      await expectOk(response);
      const ingestion = await into.begin();
      try {
        await ingestion.append(limitedBody(response, watchdog, blob.size, what, onBytes));
      } catch (e) {
        await ingestion.abort();
        if (e instanceof ContentVerificationError) throw e;
        throw new RegistryError(response.url, `download interrupted: ${messageOf(e)}`, undefined, {
          cause: e,
        });
      }
      return await into.commit(ingestion, what, blob);
    } finally {
      watchdog.stop();
    }
  }

  /** One request with the auth dance: try the cached credentials, answer a 401 challenge once, then give up. */
  private async request(reference: ImageReference, path: string, accept: string): Promise<Exchange> {
    const { domain, path: repository } = reference;
    const url = `${this.#insecure.has(domain) ? 'http' : 'https'}://${apiHost(domain)}/v2/${repository}/${path}`;
    const cached = this.#auth.cached(domain, repository);
    const first = await this.send(url, accept, cached);
    if (first.response.status !== 401) return first;
    first.watchdog.stop();
    await first.response.body?.cancel();
    const authorization = await this.#auth.authorize(
      domain,
      repository,
      first.response.headers.get('www-authenticate'),
    );
    const second = await this.send(url, accept, authorization);
    if (second.response.status === 401 || second.response.status === 403) {
      second.watchdog.stop();
      await second.response.body?.cancel();
      throw this.#auth.rejected(domain, repository);
    }
    return second;
  }

  /**
   * fetch follows redirects (blob storage such as S3) and, by the fetch standard, drops Authorization when one leaves
   * the registry's origin. The watchdog keeps running for the body: the caller stops it.
   */
  private async send(url: string, accept: string, authorization: string | undefined): Promise<Exchange> {
    const watchdog = new ProgressWatchdog(this.#timeoutMs);
    const headers: Record<string, string> = { accept };
    if (authorization !== undefined) headers.authorization = authorization;
    try {
      const response = await fetch(url, { headers, redirect: 'follow', signal: watchdog.signal });
      watchdog.kick();
      return { response, watchdog };
    } catch (e) {
      watchdog.stop();
      throw requestFailed(url, 'request', e);
    }
  }
}

/**
 * Aborts a request that makes no progress for `timeoutMs`: a registry that accepts the connection and then sends
 * nothing, or stops in the middle of a blob, would otherwise hold the pull (and the pod) forever.
 */
class ProgressWatchdog {
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {
    this.kick();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Progress was made: the wait starts again. */
  kick(): void {
    clearTimeout(this.#timer);
    const stalled = new Error(`no progress in ${this.timeoutMs}ms`);
    this.#timer = setTimeout(() => this.#controller.abort(stalled), this.timeoutMs);
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

/** A manifest response checked: 404 is ManifestNotFoundError, a digest reference must match the bytes received. */
async function readManifest(
  response: Response,
  watchdog: ProgressWatchdog,
  reference: ImageReference,
  tagOrDigest: string,
): Promise<ManifestDocument> {
  const url = response.url;
  if (response.status === 404) {
    await response.body?.cancel();
    throw new ManifestNotFoundError(`${reference.domain}/${reference.path}:${tagOrDigest}`);
  }
  await expectOk(response);
  const bytes = await readLimited(response, watchdog, MAX_DOCUMENT_BYTES);
  const digest = sha256Digest(bytes);
  const announced = tagOrDigest.includes(':') ? tagOrDigest : response.headers.get('docker-content-digest');
  if (announced !== null && isSha256Digest(announced) && announced !== digest) {
    throw new ContentVerificationError(`manifest ${url}: digest`, announced, digest);
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  return { digest, mediaType, bytes };
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

async function readLimited(
  response: Response,
  watchdog: ProgressWatchdog,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of limitedBody(response, watchdog, maxBytes, `document ${response.url}`, () => {})) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The response body, cut off with an error as soon as it grows past the size it was announced with. */
async function* limitedBody(
  response: Response,
  watchdog: ProgressWatchdog,
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
    watchdog.kick();
    onBytes(chunk.byteLength);
    yield chunk;
  }
}
