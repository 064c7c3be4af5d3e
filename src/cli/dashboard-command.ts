import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { request } from 'node:https';
import { delimiter, join } from 'node:path';
import type { DashboardLoginToken } from '../apiserver/dashboard/dashboard.js';
import { TOKENS_PATH } from '../apiserver/dashboard/dashboard.js';
import type { Pki } from '../apiserver/pki.js';
import { apiPki, readApiAddress } from './api-endpoint.js';
import { dataDirOption, fail, jsonOption, printJson } from './output.js';

interface DashboardOptions {
  dataDir: string;
  open: boolean;
  json?: boolean;
}

export interface DashboardLink {
  url: string;
  expirationTimestamp: string;
}

export class DashboardLoginError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DashboardLoginError';
  }
}

/** `podlet dashboard`: a one-time login link to the web dashboard of `podlet serve`, opened in a browser. */
export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description('print (and open) a one-time login link to the web dashboard of `podlet serve`')
    .addOption(dataDirOption())
    .option('--no-open', 'only print the link; do not start a browser with xdg-open')
    .addOption(jsonOption())
    .action(async (o: DashboardOptions) => {
      try {
        const link = await dashboardLink(o.dataDir);
        if (o.json) printJson(link);
        else process.stdout.write(`${link.url}\n(one use, until ${link.expirationTimestamp})\n`);
        if (o.open && (await onPath('xdg-open'))) openInBrowser(link.url);
      } catch (e) {
        fail(e);
      }
    });
}

/** Asks the running API, as the admin of this data dir, for a login token and makes it a link. */
export async function dashboardLink(dataDir: string): Promise<DashboardLink> {
  const server = await readApiAddress(dataDir);
  const pki = await apiPki(dataDir, new URL(server).hostname.replace(/^\[|\]$/g, ''));
  const reply = await mintToken(new URL(TOKENS_PATH, server), pki);
  const url = new URL('/ui/login', server);
  url.searchParams.set('token', reply.token);
  return { url: url.href, expirationTimestamp: reply.expirationTimestamp };
}

function mintToken(url: URL, pki: Pki): Promise<DashboardLoginToken> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca: pki.ca, cert: pki.adminCert, key: pki.adminKey, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 201) {
            reject(new DashboardLoginError(`${url.href}: HTTP ${res.statusCode ?? '?'}: ${body.trim()}`));
            return;
          }
          resolve(JSON.parse(body) as DashboardLoginToken);
        });
      },
    );
    req.on('timeout', () => req.destroy(new DashboardLoginError(`${url.href}: no answer in 10 s`)));
    req.on('error', (e) =>
      reject(
        e instanceof DashboardLoginError
          ? e
          : new DashboardLoginError(`cannot reach podlet serve at ${url.origin}: ${e.message}`, { cause: e }),
      ),
    );
    req.end();
  });
}

async function onPath(program: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '')) {
    const found = await access(join(dir, program), constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return true;
  }
  return false;
}

/**
 * Not through util/exec: xdg-open may hand the link to a browser that lives on after it and keeps its output
 * open, so it is started detached with no pipes and left to run.
 */
function openInBrowser(url: string): void {
  const child = spawn('xdg-open', [url], { detached: true, stdio: 'ignore' });
  // The link is printed already: a browser that does not start is worth a line, not a failed command.
  child.on('error', (e) => process.stderr.write(`podlet: xdg-open: ${e.message}\n`));
  child.unref();
}
