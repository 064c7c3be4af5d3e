// Probes of kube-apiserver's limits on a live podlet: where the request body limit and the object size limit lie
// (measured by bisection, not assumed), and a request seat held open so that the in-flight limiter must refuse.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { call, json, type ApiClient, type Reply } from './api-fuzz-client.js';

/** The largest body in [low, high] the server reads (anything but 413); `probe` sends a body of n bytes. */
export async function largestAccepted(
  low: number,
  high: number,
  probe: (n: number) => Promise<Reply>,
): Promise<{ largest: number; refusal: Reply }> {
  let refusal: Reply | undefined;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const reply = await probe(mid);
    if (reply.status === 413) {
      high = mid;
      refusal = reply;
    } else low = mid;
  }
  refusal ??= await probe(high);
  return { largest: low, refusal };
}

/** A JSON body of exactly `bytes` bytes: a dry-run ConfigMap padded with trailing spaces. */
export function paddedConfigMap(name: string, bytes: number): string {
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });
  return text + ' '.repeat(Math.max(0, bytes - text.length));
}

/**
 * A ConfigMap that passes validation (data under 1 MiB, annotations under 256 KiB) and weighs what its `labels`
 * add: the only way a valid ConfigMap outgrows etcd's 1.5 MiB.
 */
export function heavyConfigMap(name: string, labels: number): object {
  const many: Record<string, string> = {};
  for (let i = 0; i < labels; i++) many[`l-${i}`] = 'v'.repeat(63);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: many, annotations: { a: 'x'.repeat(250_000) } },
    data: { big: 'x'.repeat(1_000_000) },
  };
}

/** A write whose body never finishes: it holds a mutating seat until `release`. */
export function holdMutatingSeat(client: ApiClient, path: string): { release: () => Promise<number> } {
  const body = JSON.stringify({ metadata: { name: 'held' }, data: {} });
  let req: ClientRequest;
  const done = new Promise<number>((resolve) => {
    req = request(
      `${client.base}${path}`,
      {
        method: 'POST',
        ...client.tls,
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.write(body.slice(0, 5));
  });
  return {
    release: () => {
      req.end(body.slice(5));
      return done;
    },
  };
}

/** A large list read by a client that stops reading: the reply cannot finish, so its read-only seat stays taken. */
export function holdReadOnlySeat(client: ApiClient, path: string): { release: () => void } {
  const req = request(`${client.base}${path}`, { method: 'GET', ...client.tls, agent: false }, (res) =>
    res.pause(),
  );
  req.on('error', () => undefined);
  req.end();
  return { release: () => req.destroy() };
}

/** A ServiceAccount's token: an identity outside system:masters, which the limiter may refuse. */
export async function serviceAccountToken(
  client: ApiClient,
  namespace: string,
  name: string,
): Promise<string> {
  const created = await call(
    client,
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts`,
    json({ metadata: { name } }),
  );
  if (created.status !== 201) throw new Error(`service account: ${created.status} ${created.text}`);
  const path = `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`;
  const reply = await call(
    client,
    'POST',
    path,
    json({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} }),
  );
  const token = (reply.json as { status?: { token?: string } } | undefined)?.status?.token;
  if (token === undefined) throw new Error(`token request: ${reply.status} ${reply.text}`);
  return token;
}
