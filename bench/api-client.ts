// A plain HTTPS client of podlet's API for the benchmarks: the admin certificate, no client library in the way.
import { readFile, writeFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import { podlet, waitFor, type Instance } from '../test/integration/support/podlet-process.js';

export interface Client {
  base: string;
  tls: Pick<RequestOptions, 'ca' | 'cert' | 'key'>;
  kubeconfig: string;
}

/** One event of a watch stream. */
export interface WatchEvent<T> {
  type: string;
  object: T;
}

export async function connect(instance: Instance): Promise<Client> {
  const addressFile = join(instance.dataDir, 'api', 'address');
  await waitFor('the API', async () => (await readFile(addressFile, 'utf8').catch(() => '')).trim() !== '');
  const pki = join(instance.dataDir, 'pki');
  const kubeconfig = join(instance.dataDir, 'kubeconfig');
  await writeFile(kubeconfig, await podlet(['kubeconfig', '--data-dir', instance.dataDir]));
  return {
    base: (await readFile(addressFile, 'utf8')).trim(),
    tls: {
      ca: await readFile(join(pki, 'ca.crt')),
      cert: await readFile(join(pki, 'admin.crt')),
      key: await readFile(join(pki, 'admin.key')),
    },
    kubeconfig,
  };
}

export function call(
  client: Client,
  method: string,
  path: string,
  accept: string,
  body?: unknown,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${client.base}${path}`,
      { method, ...client.tls, headers: { Accept: accept, 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          (res.statusCode ?? 500) < 300
            ? resolve(text)
            : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * Opens a watch (`path` with `watch=true` and its resourceVersion) and calls onEvent for each event as its line
 * arrives; resolves with the request, to destroy when done, once the response has begun.
 */
export function watch<T>(
  client: Client,
  path: string,
  onEvent: (event: WatchEvent<T>) => void,
): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request(`${client.base}${path}`, client.tls, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          onEvent(JSON.parse(buffer.slice(0, nl)) as WatchEvent<T>);
          buffer = buffer.slice(nl + 1);
        }
      });
      resolve(req);
    });
    req.on('error', reject);
    req.end();
  });
}
