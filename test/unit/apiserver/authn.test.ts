import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { SelfSubjectAccessReview } from 'kubernetes-types/authorization/v1.js';
import {
  authenticate,
  authorize,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
  validateSelfSubjectAccessReview,
  type UserInfo,
} from '../../../src/apiserver/authn.js';

const admin: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
const jane: UserInfo = { username: 'jane', groups: ['dev', 'system:authenticated'] };

/** What node:tls hands the request handler, reduced to what authenticate reads. */
function socketWith(authorized: boolean, cert: Partial<PeerCertificate>): TLSSocket {
  return { authorized, getPeerCertificate: () => cert } as unknown as TLSSocket;
}

function peer(subject: Record<string, string | string[]>, extKeyUsage?: string[]): Partial<PeerCertificate> {
  return {
    subject: subject as unknown as PeerCertificate['subject'],
    raw: Buffer.from('certificate bytes'),
    ...(extKeyUsage === undefined ? {} : { ext_key_usage: extKeyUsage }),
  };
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

describe('authenticate', () => {
  test('takes the user name from CN and the groups from every O, then adds system:authenticated', () => {
    const user = authenticate(socketWith(true, peer({ CN: 'jane', O: ['dev', 'ops'] }, [CLIENT_AUTH])));
    assert.equal(user?.username, 'jane');
    assert.deepEqual(user?.groups, ['dev', 'ops', 'system:authenticated']);
  });

  test('does not repeat system:authenticated when the certificate names it', () => {
    const user = authenticate(socketWith(true, peer({ CN: 'x', O: 'system:authenticated' })));
    assert.deepEqual(user?.groups, ['system:authenticated']);
  });

  test('accepts a certificate without an extended key usage, as Go does', () => {
    assert.equal(authenticate(socketWith(true, peer({ CN: 'x' })))?.username, 'x');
  });

  test('returns no user for a socket whose certificate the CA did not verify', () => {
    assert.equal(authenticate(socketWith(false, peer({ CN: 'x' }, [CLIENT_AUTH]))), undefined);
  });

  test('returns no user when the client sent no certificate', () => {
    assert.equal(authenticate(socketWith(true, {})), undefined);
  });

  test('returns no user for a certificate without a common name', () => {
    assert.equal(authenticate(socketWith(true, peer({ O: 'system:masters' }, [CLIENT_AUTH]))), undefined);
  });

  test('returns no user for a certificate meant only for servers', () => {
    assert.equal(authenticate(socketWith(true, peer({ CN: 'x' }, [SERVER_AUTH]))), undefined);
  });
});

describe('selfSubjectReview', () => {
  test('reports the user for `kubectl auth whoami`', () => {
    const user = { ...admin, extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'] } };
    assert.deepEqual(selfSubjectReview(user), {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {},
      status: { userInfo: { username: 'kubernetes-admin', groups: admin.groups, extra: user.extra } },
    });
  });

  test('answers in v1beta1 for kubectl 1.27', () => {
    assert.equal(
      selfSubjectReview(jane, 'authentication.k8s.io/v1beta1').apiVersion,
      'authentication.k8s.io/v1beta1',
    );
  });
});

describe('authorize', () => {
  test('allows system:masters everything', () => {
    assert.deepEqual(authorize(admin, { resourceAttributes: { verb: 'delete', resource: 'nodes' } }), {
      allowed: true,
      reason: '',
    });
    assert.equal(
      authorize(admin, { nonResourceAttributes: { verb: 'get', path: '/metrics' } }).allowed,
      true,
    );
  });

  test('refuses other users pods, with a reason', () => {
    const decision = authorize(jane, {
      resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' },
    });
    assert.equal(decision.allowed, false);
    assert.match(decision.reason, /system:masters/);
  });

  test('lets every authenticated user review itself and read discovery, as system:basic-user and system:discovery', () => {
    const review = { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' };
    assert.equal(authorize(jane, { resourceAttributes: review }).allowed, true);
    assert.equal(
      authorize(jane, { nonResourceAttributes: { verb: 'get', path: '/apis/apps/v1' } }).allowed,
      true,
    );
    assert.equal(
      authorize(jane, { nonResourceAttributes: { verb: 'get', path: '/version/' } }).allowed,
      true,
    );
    assert.equal(
      authorize(jane, { nonResourceAttributes: { verb: 'get', path: '/versions' } }).allowed,
      false,
    );
    assert.equal(authorize(jane, { nonResourceAttributes: { verb: 'post', path: '/api' } }).allowed, false);
  });

  test('matches a subresource only by its full name', () => {
    const log = {
      verb: 'create',
      group: 'authorization.k8s.io',
      resource: 'selfsubjectaccessreviews',
      subresource: 'x',
    };
    assert.equal(authorize(jane, { resourceAttributes: log }).allowed, false);
  });
});

describe('selfSubjectAccessReview', () => {
  const review: SelfSubjectAccessReview = {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    status: { allowed: false },
  };

  test('answers allowed for the admin and keeps the spec it was asked', () => {
    assert.deepEqual(selfSubjectAccessReview(admin, review), { ...review, status: { allowed: true } });
  });

  test('answers not allowed with the reason kubectl prints after "no"', () => {
    const reply = selfSubjectAccessReview(jane, review);
    assert.equal(reply.status?.allowed, false);
    assert.match(reply.status?.reason ?? '', /only members of the group "system:masters"/);
  });
});

describe('validateSelfSubjectAccessReview', () => {
  test('accepts what kubectl 1.27 sends, with its null creationTimestamp', () => {
    const review = {
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { verb: 'get', resource: 'pods' } },
    } as unknown as SelfSubjectAccessReview;
    assert.deepEqual(validateSelfSubjectAccessReview(review), []);
  });

  test('requires exactly one kind of attributes', () => {
    const neither = validateSelfSubjectAccessReview({ spec: {} });
    assert.deepEqual(
      neither.map((e) => [e.field, e.detail]),
      [
        [
          'spec.resourceAttributes',
          'exactly one of nonResourceAttributes or resourceAttributes must be specified',
        ],
      ],
    );
    const both = validateSelfSubjectAccessReview({
      spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { verb: 'get', path: '/' } },
    });
    assert.deepEqual(
      both.map((e) => [e.field, e.detail]),
      [['spec.nonResourceAttributes', 'cannot be specified in combination with resourceAttributes']],
    );
  });

  test('requires empty metadata', () => {
    const errors = validateSelfSubjectAccessReview({
      metadata: { name: 'x' },
      spec: { resourceAttributes: { verb: 'get' } },
    });
    assert.deepEqual(
      errors.map((e) => [e.field, e.detail]),
      [['metadata', 'must be empty']],
    );
  });
});

describe('selfSubjectRulesReview', () => {
  test('lists everything for the admin, then the rules every user has', () => {
    const reply = selfSubjectRulesReview(admin, { spec: { namespace: 'default' } });
    assert.deepEqual(reply.status.resourceRules[0], { verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    assert.deepEqual(reply.status.nonResourceRules[0], { verbs: ['*'], nonResourceURLs: ['*'] });
    assert.equal(reply.status.incomplete, false);
    assert.deepEqual(reply.spec, { namespace: 'default' });
  });

  test('lists only the self reviews and discovery paths for another user', () => {
    const reply = selfSubjectRulesReview(jane, { spec: { namespace: 'default' } });
    assert.deepEqual(
      reply.status.resourceRules.flatMap((r) => r.resources),
      ['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews'],
    );
    assert.ok(reply.status.nonResourceRules.every((r) => r.verbs.join() === 'get'));
  });
});
