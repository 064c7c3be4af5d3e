import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import {
  claimHasClass,
  claimStatus,
  defaultClassName,
  findBestVolume,
  volumeMismatch,
} from '../../../src/api/volume-binding.js';

const claim = (spec: PersistentVolumeClaim['spec'] = {}): PersistentVolumeClaim => ({
  metadata: { name: 'data', namespace: 'default', uid: 'uid-1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

const volume = (
  name: string,
  storage: string,
  extra: Partial<PersistentVolume['spec']> = {},
): PersistentVolume => ({
  metadata: { name },
  spec: {
    accessModes: ['ReadWriteOnce'],
    capacity: { storage },
    hostPath: { path: `/tmp/${name}` },
    ...extra,
  },
  status: { phase: 'Available' },
});

const storageClass = (name: string, created: string, isDefault: boolean): StorageClass => ({
  metadata: {
    name,
    creationTimestamp: created,
    annotations: isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {},
  },
  provisioner: 'example.com/p',
});

describe('default storage class', () => {
  test('the newest of several default classes wins, then the first by name', () => {
    const classes = [
      storageClass('old', '2024-01-01T00:00:00Z', true),
      storageClass('b-new', '2025-01-01T00:00:00Z', true),
      storageClass('a-new', '2025-01-01T00:00:00Z', true),
      storageClass('newest-not-default', '2026-01-01T00:00:00Z', false),
    ];
    assert.equal(defaultClassName(classes), 'a-new');
  });

  test('no class is the default when none is annotated true', () => {
    assert.equal(defaultClassName([storageClass('a', '2024-01-01T00:00:00Z', false)]), undefined);
  });

  test('a claim asking for class "" has a class, one leaving it out has none', () => {
    assert.equal(claimHasClass(claim({ storageClassName: '' })), true);
    assert.equal(claimHasClass(claim()), false);
  });
});

describe('finding a volume for a claim', () => {
  test('the smallest available volume that is large enough is chosen', () => {
    const found = findBestVolume(
      claim(),
      [volume('small', '500Mi'), volume('big', '10Gi'), volume('fit', '2Gi')],
      false,
    );
    assert.equal(found?.metadata?.name, 'fit');
  });

  test('volumes of another class, access mode, phase or labels are skipped', () => {
    const volumes = [
      volume('classed', '1Gi', { storageClassName: 'fast' }),
      volume('rox', '1Gi', { accessModes: ['ReadOnlyMany'] }),
      { ...volume('released', '1Gi'), status: { phase: 'Released' } },
      { ...volume('unlabelled', '1Gi') },
    ];
    const selecting = claim({ selector: { matchLabels: { tier: 'db' } } });
    assert.equal(findBestVolume(selecting, volumes, false), undefined);
    assert.equal(findBestVolume(claim(), volumes, false)?.metadata?.name, 'unlabelled');
  });

  test('a volume pre-bound to the claim is taken even when binding waits for a consumer', () => {
    const preBound = volume('mine', '1Gi', { claimRef: { namespace: 'default', name: 'data' } });
    assert.equal(findBestVolume(claim(), [volume('other', '1Gi'), preBound], true)?.metadata?.name, 'mine');
    assert.equal(findBestVolume(claim(), [volume('other', '1Gi')], true), undefined);
  });

  test('a volume the claim names is refused with the binder reason', () => {
    assert.equal(volumeMismatch(volume('v', '500Mi'), claim()), 'requested PV is too small');
    assert.equal(
      volumeMismatch(volume('v', '1Gi', { storageClassName: 'x' }), claim()),
      'storageClassName does not match',
    );
    assert.equal(
      volumeMismatch(volume('v', '1Gi', { accessModes: ['ReadOnlyMany'] }), claim()),
      'incompatible accessMode',
    );
    assert.equal(volumeMismatch(volume('v', '1Gi'), claim()), undefined);
  });
});

describe('claim status', () => {
  test('a bound claim shows the volume modes and capacity, a pending one neither', () => {
    const bound = claimStatus({ phase: 'Pending' }, 'Bound', volume('v', '2Gi'));
    assert.deepEqual(bound, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
    assert.deepEqual(claimStatus(bound, 'Lost'), { phase: 'Lost' });
  });
});
