import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DashboardSessions,
  SESSION_COOKIE,
  sessionCookie,
  setSessionCookie,
} from '../../../src/apiserver/dashboard/sessions.js';

const admin = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };

function clock(start = 1_000_000) {
  const c = { now: start };
  return {
    c,
    sessions: new DashboardSessions({ now: () => c.now, tokenTtlMs: 60_000, sessionTtlMs: 600_000 }),
  };
}

describe('dashboard sessions', () => {
  test('a login token buys one session for the user who minted it', () => {
    const { sessions } = clock();
    const { token } = sessions.mintToken(admin);
    const session = sessions.redeem(token);
    assert.ok(session);
    assert.deepEqual(sessions.userOf(session.id), admin);
  });

  test('a login token works only once', () => {
    const { sessions } = clock();
    const { token } = sessions.mintToken(admin);
    assert.ok(sessions.redeem(token));
    assert.equal(sessions.redeem(token), undefined);
  });

  test('a login token expires unused', () => {
    const { c, sessions } = clock();
    const { token, expiresAt } = sessions.mintToken(admin);
    assert.equal(expiresAt.getTime(), c.now + 60_000);
    c.now += 60_000;
    assert.equal(sessions.redeem(token), undefined);
  });

  test('a session ends when it expires', () => {
    const { c, sessions } = clock();
    const session = sessions.redeem(sessions.mintToken(admin).token);
    assert.ok(session);
    c.now += 599_999;
    assert.ok(sessions.userOf(session.id));
    c.now += 1;
    assert.equal(sessions.userOf(session.id), undefined);
  });

  test('an unknown token or session id names nobody', () => {
    const { sessions } = clock();
    assert.equal(sessions.redeem('nope'), undefined);
    assert.equal(sessions.userOf('nope'), undefined);
  });

  test('two logins get different secrets', () => {
    const { sessions } = clock();
    const a = sessions.mintToken(admin).token;
    const b = sessions.mintToken(admin).token;
    assert.notEqual(a, b);
    assert.ok(a.length >= 43, 'at least 256 bits');
  });
});

describe('the session cookie', () => {
  test('is HttpOnly, Secure, SameSite=Strict on the whole origin, and lives as long as the session', () => {
    const header = setSessionCookie({ id: 'abc', user: admin, expiresAt: new Date(10_000) }, 4_000);
    assert.equal(header, `${SESSION_COOKIE}=abc; Max-Age=6; Path=/; HttpOnly; Secure; SameSite=Strict`);
  });

  test('is found among other cookies', () => {
    assert.equal(sessionCookie(`a=1; ${SESSION_COOKIE}=xyz; b=2`), 'xyz');
    assert.equal(sessionCookie(`${SESSION_COOKIE}-other=xyz`), undefined);
    assert.equal(sessionCookie(undefined), undefined);
    assert.equal(sessionCookie(`${SESSION_COOKIE}=`), undefined);
  });
});
