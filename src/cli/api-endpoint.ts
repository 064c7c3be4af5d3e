// Where `podlet serve` keeps its API identity: the certificates under <data>/pki and the address it listens on in
// <data>/api/address, so that `podlet kubeconfig` and tests find a server started with `--listen 127.0.0.1:0`.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../apiserver/pki.js';
import { ensureDir, writeFileAtomic } from '../util/fs.js';

export const DEFAULT_LISTEN = '127.0.0.1:6443';

export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--listen ${value}: expected HOST:PORT, e.g. ${DEFAULT_LISTEN}`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

/** The API's certificates: made on first use, covering the host name and the listen address. */
export function apiPki(dataDir: string, listenHost: string): Promise<Pki> {
  const isIp = /^[\d.]+$|:/.test(listenHost);
  return ensurePki(join(dataDir, 'pki'), {
    hostNames: [hostname().toLowerCase(), ...(isIp || listenHost === '' ? [] : [listenHost])],
    ipAddresses: isIp && listenHost !== '0.0.0.0' ? [listenHost] : [],
  });
}

export async function writeApiAddress(dataDir: string, url: string): Promise<void> {
  await ensureDir(join(dataDir, 'api'), 0o700);
  await writeFileAtomic(join(dataDir, 'api', 'address'), `${url}\n`);
}

/** The URL the last `podlet serve` of this data dir listened on; the default address if none ran yet. */
export async function readApiAddress(dataDir: string): Promise<string> {
  const text = await readFile(join(dataDir, 'api', 'address'), 'utf8').catch(() => '');
  return text.trim() || `https://${DEFAULT_LISTEN}`;
}
