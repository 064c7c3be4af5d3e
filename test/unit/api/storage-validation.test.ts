import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { fieldErrorMessage, invalidMessage, type FieldError } from '../../../src/api/errors.js';
import {
  validateStorageClass,
  validateStorageClassUpdate,
} from '../../../src/api/storage-class-validation.js';
import {
  validateClaimSpec,
  validateClaimUpdate,
  validateVolume,
  validateVolumeUpdate,
} from '../../../src/api/storage-validation.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

const claim = (
  spec: PersistentVolumeClaim['spec'],
  phase = 'Pending',
  capacity?: string,
): PersistentVolumeClaim => ({
  metadata: { name: 'c' },
  spec: { volumeMode: 'Filesystem', ...spec },
  status: { phase, ...(capacity ? { capacity: { storage: capacity } } : {}) },
});
const rwo = (storage: string) => ({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } });

const volume = (spec: PersistentVolume['spec']): PersistentVolume => ({
  metadata: { name: 'v' },
  spec: {
    accessModes: ['ReadWriteOnce'],
    capacity: { storage: '1Gi' },
    persistentVolumeReclaimPolicy: 'Retain',
    volumeMode: 'Filesystem',
    ...spec,
  },
});

const storageClass = (fields: Partial<StorageClass>): StorageClass => ({
  metadata: { name: 'fast' },
  provisioner: 'example.com/hostpath',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
  ...fields,
});

describe('PersistentVolumeClaim validation', () => {
  test('a claim without access modes or a storage request gets kube-apiserver message', () => {
    assert.equal(
      invalidMessage('PersistentVolumeClaim', 'c', validateClaimSpec({})),
      'PersistentVolumeClaim "c" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]',
    );
  });

  test('a valid claim has no errors', () => {
    assert.deepEqual(validateClaimSpec(claim({ ...rwo('1Gi'), storageClassName: 'fast' }).spec), []);
  });

  test('access modes must be known and ReadWriteOncePod stands alone', () => {
    assert.deepEqual(
      messages(validateClaimSpec({ ...rwo('1Gi'), accessModes: ['ReadWriteOncePod', 'RWO'] })),
      [
        'spec.accessModes: Unsupported value: "RWO": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
      ],
    );
    assert.deepEqual(
      messages(validateClaimSpec({ ...rwo('1Gi'), accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] })),
      ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes'],
    );
  });

  test('the storage request must be positive and is printed in canonical form', () => {
    assert.deepEqual(messages(validateClaimSpec(rwo('0Gi'))), [
      'spec.resources[storage]: Invalid value: "0": must be greater than zero',
    ]);
    assert.deepEqual(messages(validateClaimSpec(rwo('-1Gi'))), [
      'spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero',
    ]);
  });

  test('volume mode, storage class name and selector are checked', () => {
    const errs = messages(
      validateClaimSpec({
        ...rwo('1Gi'),
        volumeMode: 'Raw',
        storageClassName: 'Fast_Disks',
        selector: { matchExpressions: [{ key: 'tier', operator: 'In' }] },
      }),
    );
    assert.deepEqual(errs, [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.storageClassName: Invalid value: \"Fast_Disks\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"',
    ]);
  });

  test('a data source in the core group must be a claim', () => {
    assert.deepEqual(messages(validateClaimSpec({ ...rwo('1Gi'), dataSource: { kind: 'Pod', name: 'p' } })), [
      `spec.dataSource: Invalid value: "Pod": must be 'PersistentVolumeClaim' when referencing the default apiGroup`,
    ]);
  });
});

describe('PersistentVolumeClaim updates', () => {
  const immutable =
    'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

  test('an unbound claim may not change its request, larger or smaller', () => {
    const old = claim(rwo('2Gi'));
    assert.deepEqual(messages(validateClaimUpdate(claim(rwo('1Gi')), old)), [immutable]);
    assert.deepEqual(messages(validateClaimUpdate(claim(rwo('3Gi')), old)), [immutable]);
  });

  test('a bound claim may grow, and shrink only above its recorded capacity', () => {
    const old = claim(rwo('2Gi'), 'Bound', '2Gi');
    assert.deepEqual(validateClaimUpdate(claim(rwo('3Gi'), 'Bound', '2Gi'), old), []);
    assert.deepEqual(messages(validateClaimUpdate(claim(rwo('1Gi'), 'Bound', '2Gi'), old)), [
      'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    ]);
    const expanding = claim(rwo('5Gi'), 'Bound', '2Gi');
    assert.deepEqual(validateClaimUpdate(claim(rwo('3Gi'), 'Bound', '2Gi'), expanding), []);
  });

  test('the same quantity written differently is no change, and volumeName may be set once', () => {
    const old = claim(rwo('1Gi'));
    assert.deepEqual(validateClaimUpdate(claim({ ...rwo('1024Mi'), volumeName: 'pv-1' }), old), []);
    const bound = claim({ ...rwo('1Gi'), volumeName: 'pv-1' });
    assert.deepEqual(messages(validateClaimUpdate(claim({ ...rwo('1Gi'), volumeName: 'pv-2' }), bound)), [
      immutable,
    ]);
  });

  test('volumeMode is immutable and reported at its bare path', () => {
    const errs = messages(
      validateClaimUpdate(claim({ ...rwo('1Gi'), volumeMode: 'Block' }), claim(rwo('1Gi'))),
    );
    assert.deepEqual(errs, [immutable, 'volumeMode: Invalid value: "Block": field is immutable']);
  });

  test('a storage class may move from the beta annotation to the field', () => {
    const annotations = { 'volume.beta.kubernetes.io/storage-class': 'fast' };
    const old = { ...claim(rwo('1Gi')), metadata: { name: 'c', annotations } };
    const next = {
      ...claim({ ...rwo('1Gi'), storageClassName: 'fast' }),
      metadata: { name: 'c', annotations },
    };
    assert.deepEqual(validateClaimUpdate(next, old), []);
    const other = {
      ...claim({ ...rwo('1Gi'), storageClassName: 'slow' }),
      metadata: { name: 'c', annotations },
    };
    assert.deepEqual(messages(validateClaimUpdate(other, old)), [immutable]);
  });
});

describe('PersistentVolume validation', () => {
  test('a hostPath volume with capacity and access modes is valid', () => {
    assert.deepEqual(validateVolume(volume({ hostPath: { path: '/srv/data', type: '' } })), []);
  });

  test('capacity, access modes and a volume source are required', () => {
    const errs = messages(validateVolume({ metadata: { name: 'v' }, spec: { capacity: { storage: '0' } } }));
    assert.deepEqual(errs, [
      'spec.accessModes: Required value',
      'spec.capacity[storage]: Invalid value: "0": must be greater than zero',
      'spec: Required value: must specify a volume type',
    ]);
  });

  test('a local volume needs node affinity, and only one source is allowed', () => {
    assert.deepEqual(messages(validateVolume(volume({ local: { path: '/mnt/disk' } }))), [
      'spec.nodeAffinity: Required value: Local volume requires node affinity',
    ]);
    assert.deepEqual(
      messages(validateVolume(volume({ hostPath: { path: '/a' }, nfs: { server: 's', path: '/' } }))),
      ['spec.nfs: Forbidden: may not specify more than 1 volume type'],
    );
  });

  test('node affinity terms are validated like a node selector', () => {
    const nodeAffinity = {
      required: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'Is' }] }],
      },
    };
    assert.deepEqual(messages(validateVolume(volume({ local: { path: '/mnt/disk' }, nodeAffinity }))), [
      'spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator',
    ]);
  });

  test('reclaim policy, hostPath path and type are checked', () => {
    const errs = messages(
      validateVolume(
        volume({ persistentVolumeReclaimPolicy: 'Keep', hostPath: { path: '/srv/../etc', type: 'Dir' } }),
      ),
    );
    assert.deepEqual(errs, [
      'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
      `spec.hostPath.path: Invalid value: "/srv/../etc": must not contain '..'`,
      'spec.hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    ]);
  });

  test('a hostPath volume takes no mount options', () => {
    const pv = volume({ hostPath: { path: '/srv' } });
    pv.metadata = { name: 'v', annotations: { 'volume.beta.kubernetes.io/mount-options': 'ro' } };
    assert.deepEqual(messages(validateVolume(pv)), [
      'metadata.annotations.volume.beta.kubernetes.io/mount-options: Forbidden: may not specify mount options for this volume type',
    ]);
  });

  test('the volume source is immutable, the reclaim policy is not', () => {
    const old = volume({ hostPath: { path: '/srv/a', type: '' } });
    assert.deepEqual(
      validateVolumeUpdate(
        volume({ hostPath: { path: '/srv/a', type: '' }, persistentVolumeReclaimPolicy: 'Delete' }),
        old,
      ),
      [],
    );
    assert.deepEqual(
      messages(validateVolumeUpdate(volume({ hostPath: { path: '/srv/b', type: '' } }), old)),
      ['spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation'],
    );
  });

  test('node affinity may only move from a beta label to its GA name', () => {
    const affinity = (key: string, value = 'linux') => ({
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values: [value] }] }] },
    });
    const old = volume({ local: { path: '/mnt' }, nodeAffinity: affinity('beta.kubernetes.io/os') });
    assert.deepEqual(
      validateVolumeUpdate(
        volume({ local: { path: '/mnt' }, nodeAffinity: affinity('kubernetes.io/os') }),
        old,
      ),
      [],
    );
    const moved = volume({ local: { path: '/mnt' }, nodeAffinity: affinity('kubernetes.io/os', 'windows') });
    assert.match(
      messages(validateVolumeUpdate(moved, old)).join('\n'),
      /^nodeAffinity: Invalid value: .*: field is immutable, except for updating from beta label to GA$/,
    );
  });
});

describe('StorageClass validation', () => {
  test('a storage class with a qualified provisioner is valid', () => {
    assert.deepEqual(validateStorageClass(storageClass({})), []);
  });

  test('provisioner, reclaim policy and binding mode are checked', () => {
    const errs = messages(
      validateStorageClass(
        storageClass({ provisioner: '', reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' }),
      ),
    );
    assert.deepEqual(errs, [
      'provisioner: Required value',
      'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
      'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
    ]);
    assert.match(
      messages(validateStorageClass(storageClass({ provisioner: 'Bad Name' })))[0] ?? '',
      /^provisioner: Invalid value: "bad name": /,
    );
  });

  test('allowed topologies need values and may not repeat a term', () => {
    const term = { matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a'] }] };
    const errs = messages(
      validateStorageClass(
        storageClass({
          allowedTopologies: [term, term, { matchLabelExpressions: [{ key: 'k', values: [] }] }],
        }),
      ),
    );
    assert.deepEqual(errs, [
      'allowedTopologies[1].matchLabelExpressions: Duplicate value: ""',
      'allowedTopologies[2].matchLabelExpressions[0].values: Required value',
    ]);
  });

  test('parameters, provisioner, reclaim policy and binding mode are immutable', () => {
    const old = storageClass({ parameters: { type: 'ssd' } });
    const next = storageClass({
      parameters: { type: 'hdd' },
      provisioner: 'example.com/other',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    assert.deepEqual(messages(validateStorageClassUpdate(next, old)), [
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
    assert.deepEqual(
      validateStorageClassUpdate(storageClass({ parameters: { type: 'ssd' }, mountOptions: ['ro'] }), old),
      [],
    );
  });
});
