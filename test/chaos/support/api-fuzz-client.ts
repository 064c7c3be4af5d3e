// Raw HTTPS to a podlet under test, with no client library to smooth over what the server answers: the admin
// certificate (or a bearer token), any method, path, content type and body bytes, and watch streams kept open.
import { readFile } from 'node:fs/promises';
import { Agent, request, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import { waitFor, type Instance } from '../../integration/support/podlet-process.js';

export interface ApiClient {
  base: string;
  tls: Pick<RequestOptions, 'ca' | 'cert' | 'key'>;
  agent: Agent;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface CallOptions {
  body?: Buffer | string;
  contentType?: string;
  /** `Authorization: Bearer …` instead of the admin certificate. */
  token?: string;
  timeoutMs?: number;
  /** Resolve once the status line is in and drop the connection (a watch that would run on). */
  headersOnly?: boolean;
}

export async function connectAdmin(instance: Instance): Promise<ApiClient> {
  const addressFile = join(instance.dataDir, 'api', 'address');
  await waitFor(
    'the API address',
    async () => (await readFile(addressFile, 'utf8').catch(() => '')).trim() !== '',
  );
  const pki = join(instance.dataDir, 'pki');
  const client: ApiClient = {
    base: (await readFile(addressFile, 'utf8')).trim(),
    tls: {
      ca: await readFile(join(pki, 'ca.crt')),
      cert: await readFile(join(pki, 'admin.crt')),
      key: await readFile(join(pki, 'admin.key')),
    },
    // No keep-alive: a reused socket the server is just closing fails as "socket hang up", which would read as
    // a crash of podlet.
    agent: new Agent({ keepAlive: false, maxSockets: 32 }),
  };
  await waitFor('the API answering', async () => (await call(client, 'GET', '/readyz')).status === 200);
  return client;
}

export function call(
  client: ApiClient,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (options.contentType !== undefined) headers['Content-Type'] = options.contentType;
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    // Node sends a DELETE body with neither length nor chunking unless told its length.
    if (options.body !== undefined) headers['Content-Length'] = Buffer.byteLength(options.body);
    const tls = options.token !== undefined ? { ca: client.tls.ca } : client.tls;
    const req = request(
      `${client.base}${path}`,
      { method, ...tls, agent: options.token !== undefined ? false : client.agent, headers },
      (res) => {
        if (options.headersOnly) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '', json: undefined });
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** JSON of an object, for bodies. */
export function json(value: unknown): { body: string; contentType: string } {
  return { body: JSON.stringify(value), contentType: 'application/json' };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface WatchEvent {
  type: string;
  namespace: string;
  name: string;
  resourceVersion: number;
}

/** A watch stream kept open for the whole scenario; its events are kept in the order they came. */
export class WatchRecorder {
  readonly events: WatchEvent[] = [];
  ended = false;
  private readonly req;

  constructor(client: ApiClient, path: string) {
    this.req = request(`${client.base}${path}`, { method: 'GET', ...client.tls, agent: false }, (res) => {
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          this.take(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
        }
      });
      res.on('close', () => (this.ended = true));
    });
    this.req.on('error', () => (this.ended = true));
    this.req.end();
  }

  close(): void {
    this.req.destroy();
  }

  private take(line: string): void {
    if (line.trim() === '') return;
    const event = JSON.parse(line) as {
      type: string;
      object: { metadata?: { name?: string; namespace?: string; resourceVersion?: string } };
    };
    const meta = event.object.metadata ?? {};
    this.events.push({
      type: event.type,
      namespace: meta.namespace ?? '',
      name: meta.name ?? '',
      resourceVersion: Number(meta.resourceVersion),
    });
  }
}
