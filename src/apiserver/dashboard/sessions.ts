// The dashboard's logins: one-time tokens (minted for `podlet dashboard` by an admin's client certificate) that a
// browser exchanges once for a session cookie. Both live in memory only: a daemon restart logs everyone out.
import { createHash, randomBytes } from 'node:crypto';
import type { UserInfo } from '../authn.js';

export interface DashboardSessionsOptions {
  /** How long a login link stays usable. */
  tokenTtlMs?: number;
  /** How long a browser stays logged in after using one. */
  sessionTtlMs?: number;
  now?: () => number;
}

export interface LoginToken {
  token: string;
  expiresAt: Date;
}

export interface Session {
  id: string;
  user: UserInfo;
  expiresAt: Date;
}

interface Entry {
  user: UserInfo;
  expiresAt: number;
}

export const SESSION_COOKIE = 'podlet-session';
const DEFAULT_TOKEN_TTL_MS = 5 * 60_000;
const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

/** Secrets are kept by their digest: a lookup reveals nothing through timing, a heap dump no usable secret. */
function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export class DashboardSessions {
  private readonly tokens = new Map<string, Entry>();
  private readonly sessions = new Map<string, Entry>();
  private readonly tokenTtlMs: number;
  private readonly sessionTtlMs: number;
  private readonly now: () => number;

  constructor(options: DashboardSessionsOptions = {}) {
    this.tokenTtlMs = options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS;
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** A login token that logs a browser in as `user`, once, before it expires. */
  mintToken(user: UserInfo): LoginToken {
    this.prune();
    const token = newSecret();
    const expiresAt = this.now() + this.tokenTtlMs;
    this.tokens.set(digest(token), { user, expiresAt });
    return { token, expiresAt: new Date(expiresAt) };
  }

  /** Spends a login token on a new session; undefined for a token unknown, used or expired. */
  redeem(token: string): Session | undefined {
    this.prune();
    const key = digest(token);
    const entry = this.tokens.get(key);
    this.tokens.delete(key);
    if (entry === undefined) return undefined;
    const id = newSecret();
    const expiresAt = this.now() + this.sessionTtlMs;
    this.sessions.set(digest(id), { user: entry.user, expiresAt });
    return { id, user: entry.user, expiresAt: new Date(expiresAt) };
  }

  /** The user of a live session. */
  userOf(sessionId: string): UserInfo | undefined {
    const entry = this.sessions.get(digest(sessionId));
    if (entry === undefined || entry.expiresAt <= this.now()) return undefined;
    return entry.user;
  }

  private prune(): void {
    const now = this.now();
    for (const map of [this.tokens, this.sessions]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }
}

/** The session id in a `Cookie:` header, if any. */
export function sessionCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === SESSION_COOKIE)
      return part.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * The cookie a login sets: script cannot read it (HttpOnly), it never travels in clear (Secure), and no other
 * site's page can make the browser send it (SameSite=Strict), which with the custom header on writes stops CSRF.
 */
export function setSessionCookie(session: Session, now: number): string {
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - now) / 1000));
  return `${SESSION_COOKIE}=${session.id}; Max-Age=${maxAge}; Path=/; HttpOnly; Secure; SameSite=Strict`;
}
