import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenManager, type PodTokenRequest } from '../../../src/kubelet/token-manager.js';

const request: PodTokenRequest = {
  namespace: 'ns',
  serviceAccountName: 'default',
  audiences: [],
  expirationSeconds: 1000,
  pod: { name: 'p', uid: 'u1' },
};

function fakeIssuer(clock: { now: number }) {
  const issuer = {
    calls: 0,
    fail: false,
    source: (r: PodTokenRequest) => {
      issuer.calls += 1;
      if (issuer.fail) return Promise.reject(new Error('apiserver down'));
      return Promise.resolve({
        token: `t${issuer.calls}`,
        expirationTimestamp: new Date(clock.now + r.expirationSeconds * 1000),
      });
    },
  };
  return issuer;
}

describe('kubelet token manager', () => {
  test('serves a cached token until 80% of its lifetime has passed, then renews it', async () => {
    const clock = { now: 0 };
    const issuer = fakeIssuer(clock);
    const tokens = new TokenManager(issuer.source, () => new Date(clock.now));
    assert.equal((await tokens.get(request)).token, 't1');
    clock.now = 799_000;
    assert.equal((await tokens.get(request)).token, 't1');
    clock.now = 800_000;
    assert.equal((await tokens.get(request)).token, 't2');
    assert.equal(issuer.calls, 2);
  });

  test('keeps one token per pod and request', async () => {
    const clock = { now: 0 };
    const issuer = fakeIssuer(clock);
    const tokens = new TokenManager(issuer.source, () => new Date(clock.now));
    await tokens.get(request);
    await tokens.get({ ...request, pod: { name: 'p', uid: 'u2' } });
    await tokens.get({ ...request, audiences: ['vault'] });
    await tokens.get(request);
    assert.equal(issuer.calls, 3);
  });

  test('keeps serving an unexpired token when renewal fails, and fails once it expired', async () => {
    const clock = { now: 0 };
    const issuer = fakeIssuer(clock);
    const tokens = new TokenManager(issuer.source, () => new Date(clock.now));
    await tokens.get(request);
    issuer.fail = true;
    clock.now = 900_000;
    assert.equal((await tokens.get(request)).token, 't1');
    clock.now = 1_000_000;
    await assert.rejects(tokens.get(request), { message: 'failed to fetch token: apiserver down' });
  });
});
