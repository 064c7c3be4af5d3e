// List continue tokens in kube-apiserver's format (k8s.io/apiserver/pkg/storage/continue.go): base64url JSON
// {"v":"meta.k8s.io/v1","rv":<list resourceVersion>,"start":"<next key after the list prefix>"}; rv -1 asks
// for the rest of the list at the current state.
import { InvalidContinueError } from './errors.js';

export interface ContinuePoint {
  /** The key to resume from (inclusive), relative to the list's prefix: `name\0` or `namespace/name\0`. */
  start: string;
  /** The first page's resourceVersion, or -1 for "current". */
  resourceVersion: number;
}

const VERSION = 'meta.k8s.io/v1';

export function encodeContinue(point: ContinuePoint): string {
  const json = JSON.stringify({ v: VERSION, rv: point.resourceVersion, start: point.start });
  return Buffer.from(json, 'utf8').toString('base64url');
}

export function decodeContinue(token: string): ContinuePoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (e) {
    throw new InvalidContinueError(`continue key is not valid: ${(e as Error).message}`, { cause: e });
  }
  const { v, rv, start } = (parsed ?? {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== VERSION)
    throw new InvalidContinueError(
      `continue key is not valid: server does not recognize this encoded version ${String(v ?? '')}`,
    );
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv === 0)
    throw new InvalidContinueError(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  if (typeof start !== 'string' || start === '')
    throw new InvalidContinueError(
      'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)',
    );
  // Upstream rejects a key that path.Clean would change, so a token cannot range outside its list's prefix.
  if (!isCleanPath(start)) throw new InvalidContinueError(`continue key is not valid: ${start}`);
  return { start: start.startsWith('/') ? start.slice(1) : start, resourceVersion: rv };
}

function isCleanPath(key: string): boolean {
  const segments = (key.startsWith('/') ? key.slice(1) : key).split('/');
  return segments.every(
    (s, i) => s !== '.' && s !== '..' && (s !== '' || (i === 0 && segments.length === 1)),
  );
}
