import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicate, required } from '../../../src/api/errors.js';
import {
  alreadyExists,
  conflict,
  invalid,
  notFound,
  STALE_OBJECT,
  statusOf,
} from '../../../src/apiserver/status.js';
import { TooOldResourceVersionError } from '../../../src/store/errors.js';

test('errors are Status objects worded as kube-apiserver words them', () => {
  assert.deepEqual(notFound('pods', 'nope').status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods "nope" not found',
    reason: 'NotFound',
    details: { name: 'nope', kind: 'pods' },
    code: 404,
  });
  assert.deepEqual(notFound('leases.coordination.k8s.io', 'n').status.details, {
    name: 'n',
    group: 'coordination.k8s.io',
    kind: 'leases',
  });
  assert.equal(alreadyExists('pods', 'p').status.message, 'pods "p" already exists');
  assert.equal(
    conflict('configmaps', 'c', STALE_OBJECT).status.message,
    'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again',
  );
});

test('an Invalid Status carries one cause per field error and the aggregate message', () => {
  const status = invalid('Pod', '', 'p', [
    duplicate('spec.containers[1].name', 'c'),
    required('spec.containers[0].image'),
  ]).status;
  assert.equal(status.code, 422);
  assert.equal(
    status.message,
    'Pod "p" is invalid: [spec.containers[1].name: Duplicate value: "c", spec.containers[0].image: Required value]',
  );
  assert.deepEqual(status.details?.causes, [
    { reason: 'FieldValueDuplicate', message: 'Duplicate value: "c"', field: 'spec.containers[1].name' },
    { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' },
  ]);
});

test('store errors map to kube codes; anything else is a 500', () => {
  assert.equal(statusOf(new TooOldResourceVersionError('pods', 1, 5)).code, 410);
  assert.equal(statusOf(new TooOldResourceVersionError('pods', 1, 5)).reason, 'Expired');
  const internal = statusOf(new Error('boom'));
  assert.deepEqual(
    [internal.code, internal.reason, internal.message],
    [500, 'InternalError', 'Internal error occurred: boom'],
  );
});
