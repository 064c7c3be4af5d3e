import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import type { UserInfo } from '../../../src/apiserver/authn.js';
import { InflightLimiter, requestKind } from '../../../src/apiserver/inflight-limit.js';

/** Just what the limiter uses of a response: the status line, headers, body and the 'close' event. */
class FakeResponse extends EventEmitter {
  code = 0;
  headers: Record<string, string | number> = {};
  body = '';
  writeHead(code: number, headers: Record<string, string | number>): this {
    this.code = code;
    this.headers = headers;
    return this;
  }
  end(body: string): this {
    this.body = body;
    return this;
  }
  finish(): void {
    this.emit('close');
  }
}

const alice: UserInfo = { username: 'alice', groups: ['system:authenticated'], extra: {} };
const admin: UserInfo = {
  username: 'kubernetes-admin',
  groups: ['system:masters', 'system:authenticated'],
  extra: {},
};

function response(): FakeResponse & ServerResponse {
  return new FakeResponse() as FakeResponse & ServerResponse;
}

describe('InflightLimiter', () => {
  test('refuses a request over the mutating limit with 429, Retry-After 1 and the kube-apiserver text', () => {
    const limiter = new InflightLimiter({ readOnly: 5, mutating: 2 });
    const held = [response(), response()];
    for (const r of held) assert.equal(limiter.admit('mutating', alice, r), true);
    const refused = response();
    assert.equal(limiter.admit('mutating', alice, refused), false);
    assert.equal(refused.code, 429);
    assert.equal(refused.headers['Retry-After'], '1');
    assert.equal(refused.body, 'Too many requests, please try again later.\n');
    assert.equal(limiter.refused, 1);
  });

  test('frees a seat when the response closes', () => {
    const limiter = new InflightLimiter({ readOnly: 1, mutating: 1 });
    const first = response();
    assert.equal(limiter.admit('readOnly', alice, first), true);
    assert.equal(limiter.admit('readOnly', alice, response()), false);
    first.finish();
    assert.equal(limiter.inFlight('readOnly'), 0);
    assert.equal(limiter.admit('readOnly', alice, response()), true);
  });

  test('counts read-only and mutating requests apart', () => {
    const limiter = new InflightLimiter({ readOnly: 1, mutating: 1 });
    assert.equal(limiter.admit('readOnly', alice, response()), true);
    assert.equal(limiter.admit('mutating', alice, response()), true);
    assert.equal(limiter.inFlight('readOnly'), 1);
    assert.equal(limiter.inFlight('mutating'), 1);
  });

  test('never refuses system:masters, nor a long-running request, nor anything when the limit is 0', () => {
    const limiter = new InflightLimiter({ readOnly: 1, mutating: 0 });
    assert.equal(limiter.admit('readOnly', alice, response()), true);
    assert.equal(limiter.admit('readOnly', admin, response()), true);
    assert.equal(limiter.admit('longRunning', alice, response()), true);
    for (let i = 0; i < 10; i++) assert.equal(limiter.admit('mutating', alice, response()), true);
    assert.equal(limiter.refused, 0);
  });
});

describe('requestKind', () => {
  const kind = (method: string, path: string) => {
    const url = new URL(path, 'https://podlet');
    return requestKind(method, url.pathname, url.searchParams);
  };

  test('sees watches, exec, attach, port-forward, logs and proxy as long-running', () => {
    assert.equal(kind('GET', '/api/v1/pods?watch=true'), 'longRunning');
    assert.equal(kind('GET', '/api/v1/namespaces/default/configmaps?watch=1'), 'longRunning');
    assert.equal(kind('GET', '/api/v1/watch/namespaces/default/pods'), 'longRunning');
    assert.equal(kind('POST', '/api/v1/namespaces/default/pods/p/exec'), 'longRunning');
    assert.equal(kind('POST', '/api/v1/namespaces/default/pods/p/attach'), 'longRunning');
    assert.equal(kind('POST', '/api/v1/namespaces/default/pods/p/portforward'), 'longRunning');
    assert.equal(kind('GET', '/api/v1/namespaces/default/pods/p/log'), 'longRunning');
    assert.equal(kind('GET', '/api/v1/nodes/n/proxy'), 'longRunning');
  });

  test('sees GET and HEAD as read-only and every other method as mutating', () => {
    assert.equal(kind('GET', '/api/v1/namespaces/default/pods'), 'readOnly');
    assert.equal(kind('HEAD', '/healthz'), 'readOnly');
    assert.equal(kind('GET', '/api/v1/namespaces/default/pods/p/status'), 'readOnly');
    assert.equal(kind('POST', '/api/v1/namespaces/default/pods?watch=true'), 'mutating');
    assert.equal(kind('PATCH', '/api/v1/namespaces/default/configmaps/c'), 'mutating');
    assert.equal(kind('DELETE', '/api/v1/namespaces/n'), 'mutating');
    assert.equal(kind('PUT', '/api/v1/namespaces/n/status'), 'mutating');
  });
});
