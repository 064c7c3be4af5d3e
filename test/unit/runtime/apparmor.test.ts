import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ContainerConfigError } from '../../../src/runtime/oci/errors.js';
import { appArmorProcessProfile, DEFAULT_APPARMOR_PROFILE } from '../../../src/runtime/oci/apparmor.js';

const withDefault = { enabled: true, loaded: new Set([DEFAULT_APPARMOR_PROFILE, 'deny-write']) };
const bare = { enabled: true, loaded: new Set<string>() };

describe('the AppArmor profile of a container process', () => {
  test('a host without AppArmor gets none, whatever was asked', () => {
    assert.equal(
      appArmorProcessProfile({ type: 'RuntimeDefault' }, false, { enabled: false, loaded: new Set() }),
      undefined,
    );
  });

  test('RuntimeDefault and no profile get the default profile, except privileged containers', () => {
    assert.equal(
      appArmorProcessProfile({ type: 'RuntimeDefault' }, false, withDefault),
      DEFAULT_APPARMOR_PROFILE,
    );
    assert.equal(appArmorProcessProfile(undefined, false, withDefault), DEFAULT_APPARMOR_PROFILE);
    assert.equal(appArmorProcessProfile(undefined, true, withDefault), undefined);
    assert.equal(appArmorProcessProfile(undefined, false, bare), undefined);
    assert.throws(
      () => appArmorProcessProfile({ type: 'RuntimeDefault' }, false, bare),
      ContainerConfigError,
    );
  });

  test('Localhost names a loaded profile, privileged or not; Unconfined gets none', () => {
    assert.equal(
      appArmorProcessProfile({ type: 'Localhost', localhostProfile: 'deny-write' }, true, withDefault),
      'deny-write',
    );
    assert.throws(
      () => appArmorProcessProfile({ type: 'Localhost', localhostProfile: 'missing' }, false, withDefault),
      /apparmor profile not found missing/,
    );
    assert.equal(appArmorProcessProfile({ type: 'Unconfined' }, false, withDefault), undefined);
  });
});
