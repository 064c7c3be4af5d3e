import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createObject, deleteObject, type RestContext } from '../../../src/apiserver/rest.js';
import { ApiError } from '../../../src/apiserver/status.js';
import type { TempStore } from '../store/temp-store.js';
import { openRestStore, restTarget as target } from './rest-fixture.js';

function statusOf(f: () => unknown): { code: number; message: string } | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return { code: e.status.code, message: e.status.message ?? '' };
    throw e;
  }
  return undefined;
}

// Found by the API fuzzer (test/chaos/api-fuzz.test.ts).
describe('the REST verbs under hostile input', () => {
  let temp: TempStore;
  let ctx: RestContext;
  beforeEach(() => {
    ({ temp, ctx } = openRestStore(new Date('2026-01-02T03:04:05Z')));
  });
  afterEach(() => temp.dispose());

  test('refuses to delete default, kube-system and kube-public, as NamespaceLifecycle admission does', () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      const status = statusOf(() => deleteObject(ctx, target('namespaces', '', name), {}, false));
      assert.deepEqual(status, {
        code: 403,
        message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      });
      assert.ok(temp.store.get('namespaces', '', name));
    }
  });

  test('answers a pod without containers with 422, not a TypeError in admission', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'elsewhere' } };
    const status = statusOf(() =>
      createObject(ctx, target('pods', 'default', 'p'), pod, { dryRun: false, fieldValidation: 'Strict' }),
    );
    assert.equal(status?.code, 422);
    assert.match(status?.message ?? '', /spec.containers: Required value/);
  });
});
