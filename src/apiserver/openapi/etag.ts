// Content hashes for the documents clients cache (discovery, OpenAPI), as kube-openapi's handler3 computes them:
// the upper-case hex SHA-512 of the served bytes, quoted in the ETag header.
import { createHash } from 'node:crypto';

export function contentHash(body: string | Buffer): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

/** The ETag header value for a body: its hash, quoted. */
export function etagOf(body: string | Buffer): string {
  return `"${contentHash(body)}"`;
}

/** True when an If-None-Match header names this ETag (or `*`), so the answer is a bodiless 304. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}
