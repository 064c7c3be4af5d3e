import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ManagedFieldsEntry, ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../../src/api/object.js';
import {
  createObject,
  getObject,
  updateObject,
  type RestContext,
  type Target,
} from '../../../src/apiserver/rest.js';
import { statusOf } from '../../../src/apiserver/status.js';
import { ObjectTooLargeError } from '../../../src/store/errors.js';
import { MAX_OBJECT_BYTES } from '../../../src/store/object-store.js';
import type { TempStore } from '../store/temp-store.js';
import { openRestStore, restTarget } from './rest-fixture.js';

const options = { dryRun: false, fieldValidation: 'Strict' as const };

const target = (name: string): Target => restTarget('configmaps', 'default', name);

/**
 * A valid ConfigMap of about `bytes` bytes: validation caps data at 1 MiB and annotations at 256 KiB, but not
 * the number of labels, so those make up the rest.
 */
function configMap(name: string, bytes: number, extra: Partial<ObjectMeta> = {}): KubeObject {
  const data = Math.min(bytes, 1_000_000);
  const annotation = Math.min(bytes - data, 250_000);
  const labels: Record<string, string> = {};
  for (let i = 0; (i + 1) * 80 < bytes - data - annotation; i++) labels[`l-${i}`] = 'v'.repeat(63);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels, annotations: { a: 'x'.repeat(annotation) }, ...extra },
    data: { big: 'x'.repeat(data) },
  };
}

/** managedFields of about `bytes` bytes: one entry whose fieldsV1 names many keys. */
function bulkyManagedFields(bytes: number): ManagedFieldsEntry[] {
  const fields: Record<string, object> = {};
  for (let i = 0; i * 20 < bytes; i++) fields[`f:key-${String(i).padStart(8, '0')}`] = {};
  return [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: fields }];
}

describe('the object size limit', () => {
  let temp: TempStore;
  let ctx: RestContext;
  beforeEach(() => {
    ({ temp, ctx } = openRestStore(new Date('2026-01-02T03:04:05Z')));
  });
  afterEach(() => temp.dispose());

  test('refuses an object larger than 1.5 MiB with 413 and etcd’s text, and stores nothing', () => {
    const before = temp.store.resourceVersion();
    const err = (() => {
      try {
        createObject(ctx, target('big'), configMap('big', MAX_OBJECT_BYTES + 100_000), options);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof ObjectTooLargeError);
    const status = statusOf(err);
    assert.equal(status.code, 413);
    assert.equal(status.reason, 'RequestEntityTooLarge');
    assert.equal(status.message, 'etcdserver: request is too large');
    assert.equal(temp.store.resourceVersion(), before);
    assert.equal(temp.store.get('configmaps', 'default', 'big'), undefined);
  });

  test('stores an object just under the limit', () => {
    const created = createObject(ctx, target('fits'), configMap('fits', MAX_OBJECT_BYTES - 4096), options);
    assert.equal(created.object.metadata.name, 'fits');
  });

  test('drops managedFields to make an update fit, as kube-apiserver retries without them', () => {
    const t = target('trim');
    createObject(ctx, t, configMap('trim', 1000), options);
    const old = getObject(ctx, t);
    const next = configMap('trim', MAX_OBJECT_BYTES - 200_000, {
      managedFields: bulkyManagedFields(400_000),
      resourceVersion: old.metadata.resourceVersion,
    });
    const updated = updateObject(ctx, t, next, old, { ...options, subresource: '' });
    assert.equal(updated.object.metadata.managedFields, undefined);
  });

  test('keeps managedFields of a server-side apply, and refuses it instead', () => {
    const t = target('apply');
    const big = configMap('apply', MAX_OBJECT_BYTES - 200_000, {
      managedFields: bulkyManagedFields(400_000),
    });
    assert.throws(() => createObject(ctx, t, big, { ...options, apply: true }), ObjectTooLargeError);
  });
});
