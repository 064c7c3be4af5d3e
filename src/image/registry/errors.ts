import { messageOf } from '../errors.js';

/** A registry answered with an unexpected HTTP status, or could not be reached. */
export class RegistryError extends Error {
  constructor(
    readonly url: string,
    reason: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${url}: ${reason}`, options);
    this.name = 'RegistryError';
  }
}

/**
 * The registry refused access (401/403). `hadCredentials` tells a missing login apart from a wrong one, because the fix
 * differs: add the host to the registry config, or correct what is there.
 */
export class RegistryAuthError extends Error {
  constructor(
    readonly host: string,
    readonly hadCredentials: boolean,
    detail: string,
  ) {
    super(
      hadCredentials
        ? `registry ${host} rejected the configured credentials: ${detail}`
        : `registry ${host} requires authentication and no credentials are configured for it: ${detail}`,
    );
    this.name = 'RegistryAuthError';
  }
}

/** A manifest or tag the registry does not have (404 MANIFEST_UNKNOWN / NAME_UNKNOWN). */
export class ManifestNotFoundError extends Error {
  constructor(readonly reference: string) {
    super(`manifest for ${reference} not found in the registry`);
    this.name = 'ManifestNotFoundError';
  }
}

/** A fetch that threw: node's fetch says only `fetch failed` and keeps the reason (ECONNREFUSED, TLS) in `cause`. */
export function requestFailed(url: string, what: string, e: unknown): RegistryError {
  const cause = e instanceof Error && e.cause !== undefined ? e.cause : e;
  return new RegistryError(url, `${what} failed: ${messageOf(cause)}`, undefined, { cause: e });
}
