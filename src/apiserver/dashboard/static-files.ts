// The built dashboard (dist/ui, from `vite build`) under /ui/: files by their extension's content type, the
// app's index.html for its client-side routes, and nothing outside the folder.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errnoCode, isNotFound } from '../../util/fs.js';

export const UI_PREFIX = '/ui/';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Headers on every dashboard reply: the page runs only its own scripts and styles, no other site may frame it,
 * and no Referer carries the login link's token anywhere.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export class DashboardNotBuiltError extends Error {
  constructor(root: string, options?: { cause?: unknown }) {
    super(`the dashboard is not built (no ${join(root, 'index.html')}): run \`npm run build\``, options);
    this.name = 'DashboardNotBuiltError';
  }
}

/** dist/ui of this checkout, whether this module runs compiled (dist/src/...) or from source (src/...). */
export function defaultUiRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'ui');
}

/**
 * The file under `root` a /ui/ path names, or undefined when it would leave the folder. A path whose last
 * segment has no extension is a route of the app and gets index.html.
 */
export function uiFilePath(root: string, pathname: string): string | undefined {
  if (!pathname.startsWith(UI_PREFIX) && pathname !== '/ui') return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.slice(UI_PREFIX.length));
  } catch {
    return undefined;
  }
  if (rel.includes('\0')) return undefined;
  if (extname(rel) === '') return join(root, 'index.html');
  const file = resolve(root, rel);
  const inside = relative(root, file);
  return inside === '' || inside.startsWith('..') || inside.startsWith(sep) ? undefined : file;
}

/** Answers a /ui/ path from `root`: the file, index.html for a route, 404 for anything else. */
export async function serveUiFile(root: string, pathname: string, res: ServerResponse): Promise<void> {
  const file = uiFilePath(root, pathname);
  const body = file === undefined ? undefined : await readRegularFile(file);
  if (file === undefined || body === undefined) {
    if (file?.endsWith('index.html')) throw new DashboardNotBuiltError(root);
    res.writeHead(404, { ...PAGE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  // Vite names assets by their content hash, so they never change; index.html names the current ones.
  const immutable = file.startsWith(join(root, 'assets') + sep);
  res.writeHead(200, {
    ...PAGE_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(body);
}

async function readRegularFile(file: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(file)).isFile()) return undefined;
    return await readFile(file);
  } catch (e) {
    // ENOTDIR: a path through a file (`/ui/index.html/x.js`) names nothing.
    if (isNotFound(e) || errnoCode(e) === 'ENOTDIR') return undefined;
    throw e;
  }
}
