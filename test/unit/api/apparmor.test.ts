import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  appArmorRequired,
  syncAppArmorAnnotations,
  validateAppArmorAnnotations,
  validateAppArmorFieldsMatch,
} from '../../../src/api/apparmor.js';

const KEY = 'container.apparmor.security.beta.kubernetes.io/c';

function pod(annotation?: string, profile?: Pod['spec']): Pod {
  return {
    metadata: { name: 'p', ...(annotation !== undefined ? { annotations: { [KEY]: annotation } } : {}) },
    spec: { containers: [{ name: 'c', image: 'i' }], ...profile },
  };
}

describe('AppArmor annotations and fields', () => {
  test('an annotation fills a missing field and earns the deprecation warning', () => {
    const p = pod('localhost/deny-write');
    assert.deepEqual(syncAppArmorAnnotations(p), [
      `metadata.annotations[${KEY}]: deprecated since v1.30; use the "appArmorProfile" field instead`,
    ]);
    assert.deepEqual(p.spec?.containers[0]?.securityContext?.appArmorProfile, {
      type: 'Localhost',
      localhostProfile: 'deny-write',
    });
  });

  test('an annotation equal to the pod-level field, or naming no profile, is not copied but still warned about', () => {
    const same = pod('runtime/default', {
      containers: [],
      securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
    });
    same.spec!.containers = [{ name: 'c', image: 'i' }];
    assert.equal(syncAppArmorAnnotations(same).length, 1);
    assert.equal(same.spec?.containers[0]?.securityContext, undefined);
    const empty = pod('localhost/');
    assert.equal(syncAppArmorAnnotations(empty).length, 1);
    assert.equal(empty.spec?.containers[0]?.securityContext, undefined);
  });

  test('a container field wins: nothing is copied and nothing is warned', () => {
    const p = pod('unconfined');
    p.spec!.containers[0]!.securityContext = { appArmorProfile: { type: 'Unconfined' } };
    assert.deepEqual(syncAppArmorAnnotations(p), []);
  });

  test('annotations must name a container and a well-formed profile', () => {
    const p = pod('docker-default');
    p.metadata!.annotations!['container.apparmor.security.beta.kubernetes.io/other'] = 'runtime/default';
    const errs = validateAppArmorAnnotations(p).map((e) => `${e.field}: ${e.detail}`);
    assert.deepEqual(errs.sort(), [
      `metadata.annotations[${KEY}]: invalid AppArmor profile name: "docker-default"`,
      'metadata.annotations[container.apparmor.security.beta.kubernetes.io/other]: container not found',
    ]);
  });

  test('annotation and field must agree on the type, and on the name of a Localhost profile', () => {
    const typeClash = pod('unconfined');
    typeClash.spec!.containers[0]!.securityContext = { appArmorProfile: { type: 'RuntimeDefault' } };
    assert.deepEqual(
      validateAppArmorFieldsMatch(typeClash).map((e) => e.field),
      ['spec.containers[0].securityContext.appArmorProfile.type'],
    );
    const nameClash = pod('localhost/a', {
      containers: [],
      securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'b' } },
    });
    nameClash.spec!.containers = [{ name: 'c', image: 'i' }];
    assert.deepEqual(
      validateAppArmorFieldsMatch(nameClash).map((e) => e.detail),
      ['apparmor profile in annotation and field must match'],
    );
  });

  test('a profile is required unless everything says Unconfined', () => {
    assert.equal(appArmorRequired(pod()), false);
    assert.equal(appArmorRequired(pod('unconfined')), false);
    assert.equal(appArmorRequired(pod('runtime/default')), true);
    assert.equal(
      appArmorRequired(
        pod(undefined, { containers: [], securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }),
      ),
      true,
    );
  });
});
