// A tiny OCI distribution server on 127.0.0.1 for client tests: manifests and blobs from memory, optionally behind a
// bearer-token or basic-auth gate, with a request log to assert on.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256 } from '../tar-fixtures.js';

export interface StoredManifest {
  mediaType: string;
  bytes: Buffer;
}

export interface TestRegistryOptions {
  /** `bearer`: a token endpoint at /token hands out tokens (to anyone, or only to `user` when set). */
  auth?: 'bearer' | 'basic';
  /** `name:password` required at the token endpoint (bearer) or on every request (basic). */
  user?: string;
}

export class TestRegistry {
  readonly manifests = new Map<string, StoredManifest>();
  readonly blobs = new Map<string, Buffer>();
  /** Blob digests answered with a redirect to this URL prefix + digest instead of the content. */
  readonly redirects = new Map<string, string>();
  /** `METHOD path` of every request, in order. */
  readonly requests: string[] = [];
  /** While set, blob requests wait in `held` until the test calls one to answer it. */
  holdBlobs = false;
  readonly held: Array<() => void> = [];
  /** The most blob responses that were open at once. */
  maxOpenBlobs = 0;
  #openBlobs = 0;
  readonly #token = `token-${Math.random().toString(36).slice(2)}`;

  private constructor(
    private readonly server: Server,
    private readonly options: TestRegistryOptions,
  ) {}

  static async start(options: TestRegistryOptions = {}): Promise<TestRegistry> {
    const server = createServer();
    const registry = new TestRegistry(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => registry.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return registry;
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stores a blob under its digest (or, to serve corrupt content, under the digest given). */
  addBlob(content: Buffer, digest = sha256(content)): string {
    this.blobs.set(digest, content);
    return digest;
  }

  /** Stores a manifest under its digest and, when given, a tag of repository `repo`. */
  addManifest(repo: string, document: object, mediaType: string, tag?: string): string {
    const bytes = Buffer.from(JSON.stringify(document));
    const digest = sha256(bytes);
    this.manifests.set(`${repo}/${digest}`, { mediaType, bytes });
    if (tag !== undefined) this.manifests.set(`${repo}/${tag}`, { mediaType, bytes });
    return digest;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    this.requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/token') return this.issueToken(req, url, res);
    if (!this.authorized(req)) return this.challenge(url, res);
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (match === null) return void res.writeHead(404).end();
    const [, repo = '', kind, reference = ''] = match;
    if (kind === 'manifests') return this.serveManifest(`${repo}/${reference}`, res);
    this.#openBlobs++;
    this.maxOpenBlobs = Math.max(this.maxOpenBlobs, this.#openBlobs);
    res.on('close', () => this.#openBlobs--);
    if (this.holdBlobs) return void this.held.push(() => this.serveBlob(reference, res));
    this.serveBlob(reference, res);
  }

  private serveBlob(reference: string, res: ServerResponse): void {
    const redirect = this.redirects.get(reference);
    if (redirect !== undefined) return void res.writeHead(307, { location: redirect + reference }).end();
    const blob = this.blobs.get(reference);
    if (blob === undefined) return void res.writeHead(404).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
    res
      .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length })
      .end(blob);
  }

  private serveManifest(key: string, res: ServerResponse): void {
    const manifest = this.manifests.get(key);
    if (manifest === undefined)
      return void res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    res
      .writeHead(200, { 'content-type': manifest.mediaType, 'docker-content-digest': sha256(manifest.bytes) })
      .end(manifest.bytes);
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    if (this.options.auth === 'bearer') return header === `Bearer ${this.#token}`;
    if (this.options.auth === 'basic') return header === basic(this.options.user ?? '');
    return true;
  }

  private challenge(url: URL, res: ServerResponse): void {
    const repo = /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(url.pathname)?.[1] ?? '';
    const challenge =
      this.options.auth === 'bearer'
        ? `Bearer realm="http://${this.host}/token",service="test-registry",scope="repository:${repo}:pull"`
        : 'Basic realm="test-registry"';
    res.writeHead(401, { 'www-authenticate': challenge }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
  }

  private issueToken(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const user = this.options.user;
    if (user !== undefined && req.headers.authorization !== basic(user)) return void res.writeHead(401).end();
    if (url.searchParams.get('service') !== 'test-registry') return void res.writeHead(400).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: this.#token }));
  }
}

function basic(user: string): string {
  return `Basic ${Buffer.from(user).toString('base64')}`;
}
