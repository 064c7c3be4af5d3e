import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../../../src/api/object.js';
import { admitServiceAccount } from '../../../src/apiserver/kinds/service-account-admission.js';
import { fillCreateMeta } from '../../../src/apiserver/object-meta.js';
import {
  ServiceAccountTokens,
  TokenVerificationError,
  defaultIssuer,
  ensureServiceAccountKey,
  type ServiceAccountClaims,
} from '../../../src/apiserver/service-account-tokens.js';
import { requestServiceAccountToken } from '../../../src/apiserver/token-request.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

const ISSUER = defaultIssuer('cluster.local');

function create(temp: TempStore, resource: string, object: KubeObject): StoredObject {
  fillCreateMeta(object, new Date());
  return temp.store.create(resource, object);
}

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

describe('service account tokens', () => {
  let dir: string;
  let temp: TempStore;
  let clock = new Date('2025-01-01T00:00:00Z');
  let tokens: ServiceAccountTokens;
  let sa: StoredObject;
  let pod: StoredObject;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podlet-sa-test-'));
    temp = openTempStore();
    tokens = new ServiceAccountTokens(await ensureServiceAccountKey(dir), ISSUER, temp.store, () => clock);
    sa = create(temp, 'serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'build', namespace: 'ns' },
    });
    pod = create(temp, 'pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'ns' },
      spec: { serviceAccountName: 'build', containers: [] },
    });
  });

  after(async () => {
    temp.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('keeps its signing key private and reuses it across starts', async () => {
    assert.equal((await stat(join(dir, 'sa.key'))).mode & 0o777, 0o600);
    const again = new ServiceAccountTokens(
      await ensureServiceAccountKey(dir),
      ISSUER,
      temp.store,
      () => clock,
    );
    const { token } = tokens.issue({
      namespace: 'ns',
      serviceAccount: { name: 'build', uid: sa.metadata.uid ?? '' },
      audiences: [],
      expirationSeconds: 3600,
    });
    assert.equal(again.verify(token).sub, 'system:serviceaccount:ns:build');
  });

  test('signs ES256 JWTs with the claims of a bound token', () => {
    const issued = requestServiceAccountToken(temp.store, tokens, {
      namespace: 'ns',
      serviceAccountName: 'build',
      audiences: [],
      expirationSeconds: 600,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: pod.metadata.uid ?? '' },
    });
    assert.deepEqual(decodePart(issued.token, 0).alg, 'ES256');
    const claims = decodePart(issued.token, 1) as unknown as ServiceAccountClaims;
    const iat = clock.getTime() / 1000;
    assert.deepEqual(claims, {
      aud: [ISSUER],
      exp: iat + 600,
      iat,
      iss: ISSUER,
      jti: claims.jti,
      'kubernetes.io': {
        namespace: 'ns',
        pod: { name: 'web', uid: pod.metadata.uid },
        serviceaccount: { name: 'build', uid: sa.metadata.uid },
      },
      nbf: iat,
      sub: 'system:serviceaccount:ns:build',
    });
    assert.match(claims.jti, /^[0-9a-f-]{36}$/);
    assert.equal(issued.expirationTimestamp.getTime(), (iat + 600) * 1000);
  });

  test('authenticates a valid token as the service account with its groups', () => {
    const { token, claims } = requestServiceAccountToken(temp.store, tokens, {
      namespace: 'ns',
      serviceAccountName: 'build',
      audiences: [],
      expirationSeconds: 3600,
    });
    assert.deepEqual(tokens.authenticate(token), {
      username: 'system:serviceaccount:ns:build',
      uid: sa.metadata.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] },
    });
  });

  test('refuses a token past its expiry plus the one-minute leeway', () => {
    const { token } = requestServiceAccountToken(temp.store, tokens, {
      namespace: 'ns',
      serviceAccountName: 'build',
      audiences: [],
      expirationSeconds: 600,
    });
    const issuedAt = clock;
    try {
      clock = new Date(issuedAt.getTime() + 659_000);
      assert.notEqual(tokens.authenticate(token), undefined);
      clock = new Date(issuedAt.getTime() + 661_000);
      assert.equal(tokens.authenticate(token), undefined);
      assert.throws(() => tokens.verify(token), { message: 'service account token has expired' });
    } finally {
      clock = issuedAt;
    }
  });

  test('gives the 3607-second pod token a year, with warnafter at the requested expiry', () => {
    const issued = requestServiceAccountToken(temp.store, tokens, {
      namespace: 'ns',
      serviceAccountName: 'build',
      audiences: [],
      expirationSeconds: 3607,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web' },
    });
    const iat = clock.getTime() / 1000;
    assert.equal(issued.claims.exp, iat + 365 * 24 * 3600);
    assert.equal(issued.claims['kubernetes.io'].warnafter, iat + 3607);
    assert.equal(issued.expirationTimestamp.getTime(), (iat + 3607) * 1000);
  });

  test('refuses a tampered token, one for another audience and one signed with another key', async () => {
    const { token } = tokens.issue({
      namespace: 'ns',
      serviceAccount: { name: 'build', uid: sa.metadata.uid ?? '' },
      audiences: [],
      expirationSeconds: 3600,
    });
    const [header, payload, signature] = token.split('.');
    const claims = decodePart(token, 1);
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:ns:admin' })).toString(
      'base64url',
    );
    assert.notEqual(forged, payload);
    assert.equal(tokens.authenticate(`${header}.${forged}.${signature}`), undefined);
    assert.throws(() => tokens.verify(`${header}.${forged}.${signature}`), TokenVerificationError);

    const vault = tokens.issue({
      namespace: 'ns',
      serviceAccount: { name: 'build', uid: sa.metadata.uid ?? '' },
      audiences: ['vault'],
      expirationSeconds: 3600,
    });
    assert.equal(tokens.authenticate(vault.token), undefined);
    assert.equal(tokens.verify(vault.token, ['vault']).aud[0], 'vault');

    const otherDir = await mkdtemp(join(tmpdir(), 'podlet-sa-test-'));
    try {
      const other = new ServiceAccountTokens(await ensureServiceAccountKey(otherDir), ISSUER, temp.store);
      const foreign = other.issue({
        namespace: 'ns',
        serviceAccount: { name: 'build', uid: sa.metadata.uid ?? '' },
        audiences: [],
        expirationSeconds: 3600,
      });
      assert.equal(tokens.authenticate(foreign.token), undefined);
      assert.equal(tokens.authenticate('not.a.token'), undefined);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  test('stops authenticating a token whose pod or service account was deleted or recreated', () => {
    const extra = create(temp, 'pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'short', namespace: 'ns' },
      spec: { serviceAccountName: 'build', containers: [] },
    });
    const { token } = requestServiceAccountToken(temp.store, tokens, {
      namespace: 'ns',
      serviceAccountName: 'build',
      audiences: [],
      expirationSeconds: 3600,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'short' },
    });
    assert.equal(tokens.authenticate(token)?.extra?.['authentication.kubernetes.io/pod-name']?.[0], 'short');
    temp.store.delete('pods', 'ns', 'short');
    assert.equal(tokens.authenticate(token), undefined);
    create(temp, 'pods', { ...extra, metadata: { name: 'short', namespace: 'ns' } });
    assert.equal(tokens.authenticate(token), undefined);
  });

  test('answers TokenRequests for missing objects and bad lifetimes as kube-apiserver does', () => {
    const base = { namespace: 'ns', serviceAccountName: 'build', audiences: [], expirationSeconds: 3600 };
    assert.throws(
      () => requestServiceAccountToken(temp.store, tokens, { ...base, serviceAccountName: 'x' }),
      {
        message: 'serviceaccounts "x" not found',
      },
    );
    assert.throws(() => requestServiceAccountToken(temp.store, tokens, { ...base, expirationSeconds: 599 }), {
      message: /spec\.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes/,
    });
    const ref = { apiVersion: 'v1', kind: 'Pod', name: 'web' };
    assert.throws(
      () =>
        requestServiceAccountToken(temp.store, tokens, { ...base, boundObjectRef: { ...ref, uid: 'other' } }),
      { message: /the UID in the bound object reference \(other\) does not match the UID in record/ },
    );
    assert.throws(
      () =>
        requestServiceAccountToken(temp.store, tokens, { ...base, boundObjectRef: { ...ref, name: 'gone' } }),
      { message: 'pods "gone" not found' },
    );
    create(temp, 'serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'other', namespace: 'ns' },
    });
    assert.throws(
      () =>
        requestServiceAccountToken(temp.store, tokens, {
          ...base,
          serviceAccountName: 'other',
          boundObjectRef: ref,
        }),
      {
        message:
          'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.',
      },
    );
    assert.throws(
      () =>
        requestServiceAccountToken(temp.store, tokens, {
          ...base,
          boundObjectRef: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c' },
        }),
      { message: 'cannot bind token to object of type /v1, Kind=ConfigMap' },
    );
  });
});

describe('ServiceAccount admission', () => {
  const sa = (name: string, extra: object = {}): StoredObject =>
    ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: 'ns' },
      ...extra,
    }) as StoredObject;
  const newPod = (spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
    metadata: { name: 'p', namespace: 'ns' },
    spec: {
      initContainers: [{ name: 'init' }],
      containers: [
        { name: 'a' },
        {
          name: 'b',
          volumeMounts: [{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
        },
      ],
      ...spec,
    },
  });

  test('defaults the service account and mounts the kube-api-access volume read-only', () => {
    const pod = newPod();
    admitServiceAccount(pod, [sa('default')]);
    const spec = pod.spec;
    assert.equal(spec?.serviceAccountName, 'default');
    assert.equal(spec?.serviceAccount, 'default');
    const volume = spec?.volumes?.[0];
    assert.match(volume?.name ?? '', /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume?.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    });
    const mount = {
      name: volume?.name,
      readOnly: true,
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    };
    assert.deepEqual(spec?.initContainers?.[0]?.volumeMounts, [mount]);
    assert.deepEqual(spec?.containers[0]?.volumeMounts, [mount]);
    assert.equal(
      spec?.containers[1]?.volumeMounts?.length,
      1,
      'a container with its own mount there keeps it',
    );
  });

  test('mounts nothing when the pod or its service account turns automounting off, the pod winning', () => {
    const offByPod = newPod({ automountServiceAccountToken: false });
    admitServiceAccount(offByPod, [sa('default')]);
    assert.equal(offByPod.spec?.volumes, undefined);
    const offBySa = newPod();
    admitServiceAccount(offBySa, [sa('default', { automountServiceAccountToken: false })]);
    assert.equal(offBySa.spec?.volumes, undefined);
    const onByPod = newPod({ automountServiceAccountToken: true });
    admitServiceAccount(onByPod, [sa('default', { automountServiceAccountToken: false })]);
    assert.equal(onByPod.spec?.volumes?.length, 1);
  });

  test('refuses a pod whose service account does not exist, with the upstream message', () => {
    assert.throws(() => admitServiceAccount(newPod({ serviceAccountName: 'x' }), [sa('default')]), {
      message: 'pods "p" is forbidden: error looking up service account ns/x: serviceaccount "x" not found',
    });
  });

  test("copies the service account's image pull secrets to a pod that has none", () => {
    const pod = newPod();
    admitServiceAccount(pod, [sa('default', { imagePullSecrets: [{ name: 'reg' }] })]);
    assert.deepEqual(pod.spec?.imagePullSecrets, [{ name: 'reg' }]);
  });
});
