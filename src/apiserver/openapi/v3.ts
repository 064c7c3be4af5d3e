// Serving the generated OpenAPI v3 documents the way kube-openapi's handler3 does: an index at /openapi/v3 whose
// URLs carry each document's hash, documents that are immutable under their hash, ETags and 304s.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiV2Protobuf } from './v2-protobuf.js';
import type { OpenApiDocument, Schema } from './types.js';
import { contentHash, etagOf, matchesEtag } from './etag.js';

export interface OpenApiReply {
  status: 200 | 301 | 304 | 404 | 406;
  headers: Record<string, string>;
  /** Empty for 301, 304, 404 and 406: the caller sends its own Status object for the errors. */
  body: string;
}

interface StoredDocument {
  body: string;
  hash: string;
}

export class OpenApiLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OpenApiLoadError';
  }
}

/** The generator's file name for a document path: `api/v1` <-> `api__v1.json`. */
export function fileNameOf(documentPath: string): string {
  return `${documentPath.replaceAll('/', '__')}.json`;
}

function documentPathOf(fileName: string): string {
  return fileName.replace(/\.json$/, '').replaceAll('__', '/');
}

/** Where scripts/gen-openapi.ts writes by default: next to this module, in src/ (tsx) or in dist/ (the build). */
export const DEFAULT_OPENAPI_DIR = new URL('./generated/', import.meta.url);

const V3_PREFIX = '/openapi/v3';

export class OpenApiV3 {
  private readonly index: string;
  private v2: Buffer | undefined;
  private parsedSchemas: Map<string, Schema> | undefined;

  private constructor(private readonly documents: ReadonlyMap<string, StoredDocument>) {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [path, doc] of documents)
      paths[path] = { serverRelativeURL: `${V3_PREFIX}/${path}?hash=${doc.hash}` };
    this.index = JSON.stringify({ paths });
  }

  /** Documents keyed by path (`api/v1`), each the exact JSON text to serve. */
  static fromDocuments(documents: ReadonlyMap<string, string>): OpenApiV3 {
    const stored = new Map<string, StoredDocument>();
    for (const [path, body] of [...documents].sort(([a], [b]) => a.localeCompare(b)))
      stored.set(path, { body, hash: contentHash(body) });
    return new OpenApiV3(stored);
  }

  /** Every schema of every document, by name (`io.k8s.api.core.v1.ConfigMap`), for strict decoding. */
  schemas(): ReadonlyMap<string, Schema> {
    if (this.parsedSchemas === undefined) {
      const all = new Map<string, Schema>();
      for (const d of this.documents.values()) {
        const doc = JSON.parse(d.body) as OpenApiDocument;
        for (const [name, schema] of Object.entries(doc.components.schemas)) all.set(name, schema);
      }
      this.parsedSchemas = all;
    }
    return this.parsedSchemas;
  }

  /** The same API as one OpenAPI 2.0 document in gnostic protobuf, for kubectl 1.27 (built on first use). */
  v2Protobuf(): Buffer {
    this.v2 ??= openApiV2Protobuf(
      [...this.documents.values()].map((d) => JSON.parse(d.body) as OpenApiDocument),
    );
    return this.v2;
  }

  /** Reads every `*.json` the generator wrote to `dir`. */
  static load(dir: string | URL = DEFAULT_OPENAPI_DIR): OpenApiV3 {
    const documents = new Map<string, string>();
    try {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')))
        documents.set(documentPathOf(name), readFileSync(join(dirPath(dir), name), 'utf8'));
    } catch (err) {
      throw new OpenApiLoadError(
        `cannot read the OpenAPI documents in ${String(dir)} (run scripts/gen-openapi.ts)`,
        {
          cause: err,
        },
      );
    }
    if (documents.size === 0) throw new OpenApiLoadError(`no OpenAPI documents in ${String(dir)}`);
    return OpenApiV3.fromDocuments(documents);
  }

  /** The reply for a GET under /openapi/v3, or undefined when the path is not one of these documents. */
  reply(
    pathname: string,
    query: URLSearchParams,
    accept?: string,
    ifNoneMatch?: string,
  ): OpenApiReply | undefined {
    const path = pathname.replace(/\/+$/, '');
    if (path === V3_PREFIX) return cacheable(this.index, accept, ifNoneMatch, 'no-cache, private');
    if (!path.startsWith(`${V3_PREFIX}/`)) return undefined;
    const doc = this.documents.get(path.slice(V3_PREFIX.length + 1));
    if (doc === undefined) return { status: 404, headers: {}, body: '' };
    const hash = query.get('hash');
    // A stale hash (the client cached an old index) is redirected to the current document, as handler3 does.
    if (hash !== null && hash !== doc.hash)
      return { status: 301, headers: { Location: `${path}?hash=${doc.hash}` }, body: '' };
    return cacheable(
      doc.body,
      accept,
      ifNoneMatch,
      hash === null ? 'no-cache, private' : 'public, immutable',
    );
  }
}

function dirPath(dir: string | URL): string {
  return typeof dir === 'string' ? dir : decodeURIComponent(dir.pathname);
}

/** JSON only: the protobuf OpenAPI form is refused with 406, which kubectl does not ask for alone. */
function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept
    .split(',')
    .map((r) => r.split(';')[0]?.trim().toLowerCase())
    .some((t) => t === 'application/json' || t === 'application/*' || t === '*/*');
}

function cacheable(
  body: string,
  accept: string | undefined,
  ifNoneMatch: string | undefined,
  cacheControl: string,
): OpenApiReply {
  if (!acceptsJson(accept)) return { status: 406, headers: {}, body: '' };
  const etag = etagOf(body);
  const headers = { ETag: etag, 'Cache-Control': cacheControl, Vary: 'Accept' };
  if (matchesEtag(ifNoneMatch, etag)) return { status: 304, headers, body: '' };
  return { status: 200, headers: { ...headers, 'Content-Type': 'application/json' }, body };
}

let shared: OpenApiV3 | undefined;

/** The documents the build generated, loaded on first use and shared by the server. */
export function sharedOpenApi(): OpenApiV3 {
  shared ??= OpenApiV3.load();
  return shared;
}
