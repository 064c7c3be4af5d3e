// The registry auth flows a pull meets (distribution docs spec/auth/token.md): anonymous or basic-authenticated bearer
// tokens from the realm a 401 names, and plain basic auth. Tokens are cached per registry and scope until they expire.
import type { CredentialMap, RegistryCredentials } from './docker-config.js';
import { RegistryAuthError, RegistryError, requestFailed } from './errors.js';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.js';

interface CachedToken {
  authorization: string;
  expiresAt: number;
}

/** token.md: a token without expires_in is valid for 60 seconds. */
const DEFAULT_TOKEN_SECONDS = 60;
/** Renew a little early so a token does not expire between the check and the request. */
const EXPIRY_MARGIN_MS = 5_000;
const TOKEN_TIMEOUT_MS = 30_000;

export class RegistryAuthenticator {
  readonly #tokens = new Map<string, CachedToken>();
  /** Registries that answered a Basic challenge: send credentials up front from then on. */
  readonly #basic = new Set<string>();

  constructor(private readonly credentials: CredentialMap = new Map()) {}

  /** The Authorization header to try first for a repository, if an earlier challenge told us what it wants. */
  cached(registry: string, repository: string): string | undefined {
    const token = this.#tokens.get(tokenKey(registry, pullScope(repository)));
    if (token !== undefined && token.expiresAt > Date.now()) return token.authorization;
    const credentials = this.credentials.get(registry);
    return this.#basic.has(registry) && credentials !== undefined ? basicHeader(credentials) : undefined;
  }

  /**
   * Answers a 401: returns the Authorization header to retry with. Throws RegistryAuthError when there is no way to
   * authenticate (no credentials for a Basic challenge) and RegistryError when the token endpoint fails.
   */
  async authorize(registry: string, repository: string, challengeHeader: string | null): Promise<string> {
    const challenges = parseWwwAuthenticate(challengeHeader ?? '');
    const credentials = this.credentials.get(registry);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer !== undefined) return this.fetchToken(registry, repository, bearer, credentials);
    if (challenges.some((c) => c.scheme === 'basic') && credentials !== undefined) {
      this.#basic.add(registry);
      return basicHeader(credentials);
    }
    throw new RegistryAuthError(
      registry,
      false,
      `401 Unauthorized (challenge: ${challengeHeader ?? 'none'})`,
    );
  }

  /** The error for a 401 or 403 that answered our own Authorization header: there is no further way in. */
  rejected(registry: string, repository: string): RegistryAuthError {
    this.#tokens.delete(tokenKey(registry, pullScope(repository)));
    const hadCredentials = this.credentials.has(registry);
    return new RegistryAuthError(registry, hadCredentials, `access to ${repository} denied`);
  }

  private async fetchToken(
    registry: string,
    repository: string,
    challenge: AuthChallenge,
    credentials: RegistryCredentials | undefined,
  ): Promise<string> {
    const { realm, service } = challenge.params;
    if (realm === undefined) throw new RegistryError(registry, 'Bearer challenge without a realm');
    const scope = challenge.params.scope ?? pullScope(repository);
    const url = new URL(realm);
    if (service !== undefined) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (credentials !== undefined) headers.authorization = basicHeader(credentials);
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS) }).catch(
      (e: unknown) => {
        throw requestFailed(url.href, 'token request', e);
      },
    );
    if (response.status === 401 || response.status === 403) {
      throw new RegistryAuthError(
        registry,
        credentials !== undefined,
        `token endpoint ${realm} said ${response.status}`,
      );
    }
    if (!response.ok) throw new RegistryError(url.href, `token request failed`, response.status);
    const body = (await response.json()) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '')
      throw new RegistryError(url.href, 'token response has no token');
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    const authorization = `Bearer ${token}`;
    this.#tokens.set(tokenKey(registry, pullScope(repository)), {
      authorization,
      expiresAt: Date.now() + seconds * 1000 - EXPIRY_MARGIN_MS,
    });
    return authorization;
  }
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

function tokenKey(registry: string, scope: string): string {
  return `${registry} ${scope}`;
}

function basicHeader({ username, password }: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
