// A bare HTTPS client for podlet's API with the admin certificate of a kubeconfig: the chaos suite needs to know
// exactly which request got a 2xx answer, which got a refusal and which got no answer at all.
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { parse } from 'yaml';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

interface KubeconfigShape {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

export class ApiClient {
  private constructor(
    private readonly server: URL,
    private readonly agent: Agent,
  ) {}

  /** Reads the server and the credentials from a kubeconfig written by `podlet kubeconfig`. */
  static async fromKubeconfig(file: string): Promise<ApiClient> {
    const config = parse(await readFile(file, 'utf8')) as KubeconfigShape;
    const cluster = config.clusters[0]?.cluster;
    const user = config.users[0]?.user;
    if (!cluster || !user) throw new Error(`${file} names no cluster or user`);
    const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
    // No keep-alive: a connection must never outlive the daemon that accepted it.
    const agent = new Agent({
      keepAlive: false,
      ca: decode(cluster['certificate-authority-data']),
      cert: decode(user['client-certificate-data']),
      key: decode(user['client-key-data']),
    });
    return new ApiClient(new URL(cluster.server), agent);
  }

  /**
   * One request; resolves with the answer, rejects when there was none (refused, reset, timed out): the caller
   * cannot tell whether a write that rejects was applied.
   */
  send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiAnswer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.server),
        {
          method,
          agent: this.agent,
          timeout: 15_000,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined
              ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Not JSON (a plain-text error): kept as text.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
