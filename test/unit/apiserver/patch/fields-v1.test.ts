import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FieldSet,
  formatPath,
  keyElement,
  valueElement,
} from '../../../../src/apiserver/patch/field-path.js';
import { decodeFieldsV1, encodeFieldsV1 } from '../../../../src/apiserver/patch/fields-v1.js';
import { ManagedFieldsError } from '../../../../src/apiserver/patch/errors.js';

describe('FieldsV1', () => {
  const item = keyElement({ protocol: 'TCP', containerPort: 80 });
  const set = new FieldSet([
    ['f:metadata', 'f:labels', 'f:app'],
    ['f:metadata', 'f:finalizers', valueElement('x')],
    ['f:spec', 'f:ports', item],
    ['f:spec', 'f:ports', item, 'f:containerPort'],
  ]);

  test('encodes members with children with "." and leaves as {}', () => {
    assert.deepEqual(encodeFieldsV1(set), {
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:finalizers': { 'v:"x"': {} } },
      'f:spec': {
        'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
      },
    });
  });

  test('decodes what it encodes', () => {
    assert.ok(decodeFieldsV1(encodeFieldsV1(set)).equals(set));
  });

  test('rejects unknown path elements', () => {
    assert.throws(() => decodeFieldsV1({ 'x:y': {} }), ManagedFieldsError);
  });

  test('prints paths the way structured-merge-diff does', () => {
    assert.equal(
      formatPath(['f:spec', 'f:ports', item, 'f:name']),
      '.spec.ports[containerPort=80,protocol="TCP"].name',
    );
    assert.equal(formatPath(['f:metadata', 'f:finalizers', valueElement('x')]), '.metadata.finalizers[="x"]');
  });
});
