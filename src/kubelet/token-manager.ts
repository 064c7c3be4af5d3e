// The kubelet's service account token cache (pkg/kubelet/token/token_manager.go): one token per pod and request,
// renewed once 80% of its requested lifetime has passed (or after 24 hours), kept in use while the API server
// cannot renew it and it has not expired, and dropped once expired (a deleted pod's tokens go that way).

/** What a projected serviceAccountToken source asks for, bound to the pod. */
export interface PodTokenRequest {
  namespace: string;
  serviceAccountName: string;
  /** Empty: the API server's own audience. */
  audiences: string[];
  expirationSeconds: number;
  pod: { name: string; uid: string };
}

export interface PodToken {
  token: string;
  expirationTimestamp: Date;
}

/** Issues a token (a TokenRequest on the API server); the error's message says why not. */
export type TokenSource = (request: PodTokenRequest) => Promise<PodToken>;

interface CachedToken {
  token: PodToken;
  expirationSeconds: number;
}

// token_manager.go maxTTL: a token is renewed at least daily, whatever its lifetime.
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const REFRESH_AT_FRACTION = 0.8;

export class TokenFetchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenFetchError';
  }
}

export class TokenManager {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly source: TokenSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A TokenSource that goes through this cache. */
  get tokenSource(): TokenSource {
    return (request) => this.get(request);
  }

  async get(request: PodTokenRequest): Promise<PodToken> {
    this.dropExpired();
    const key = cacheKey(request);
    const cached = this.cache.get(key);
    if (cached !== undefined && !this.needsRefresh(cached)) return cached.token;
    try {
      const token = await this.source(request);
      this.cache.set(key, { token, expirationSeconds: request.expirationSeconds });
      return token;
    } catch (err) {
      // GetServiceAccountToken: a failed renewal keeps serving the old token until it expires.
      if (cached !== undefined && !this.expired(cached)) return cached.token;
      throw new TokenFetchError(
        `failed to fetch token: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
  }

  private needsRefresh(cached: CachedToken): boolean {
    const now = this.now().getTime();
    const exp = cached.token.expirationTimestamp.getTime();
    const lifetimeMs = cached.expirationSeconds * 1000;
    const issuedAt = exp - lifetimeMs;
    return now >= issuedAt + MAX_AGE_MS || now >= issuedAt + lifetimeMs * REFRESH_AT_FRACTION;
  }

  private expired(cached: CachedToken): boolean {
    return this.now().getTime() >= cached.token.expirationTimestamp.getTime();
  }

  private dropExpired(): void {
    for (const [key, cached] of this.cache) if (this.expired(cached)) this.cache.delete(key);
  }
}

/** keyFunc: the same service account, audiences, lifetime and pod share a token. */
function cacheKey(r: PodTokenRequest): string {
  return JSON.stringify([
    r.namespace,
    r.serviceAccountName,
    [...r.audiences].sort(),
    r.expirationSeconds,
    r.pod.uid,
  ]);
}
