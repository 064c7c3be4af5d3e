import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../src/api/object.js';
import {
  createObject,
  deleteObject,
  getObject,
  updateObject,
  type RestContext,
} from '../../../src/apiserver/rest.js';
import { ApiError } from '../../../src/apiserver/status.js';
import type { TempStore } from '../store/temp-store.js';
import { openRestStore, restTarget as target } from './rest-fixture.js';

const options = { dryRun: false, fieldValidation: 'Strict' as const };

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox:1' }] },
});

const statusOf = (err: unknown) => (err instanceof ApiError ? err.status : undefined);

describe('the REST verbs over the store', () => {
  let temp: TempStore;
  let ctx: RestContext;
  beforeEach(() => {
    ({ temp, ctx } = openRestStore(new Date('2026-01-02T03:04:05.678Z')));
  });
  afterEach(() => temp.dispose());

  test('create defaults a pod, leaves it for the scheduler, and fills the system metadata', () => {
    const { object } = createObject(ctx, target('pods', 'default', ''), pod('p'), options);
    const p = object as unknown as Pod;
    assert.equal(p.spec?.nodeName, undefined);
    assert.equal(p.spec?.priority, 0);
    assert.equal(p.spec?.serviceAccountName, 'default');
    assert.equal(p.spec?.containers[0]?.imagePullPolicy, 'IfNotPresent');
    assert.equal(p.status?.phase, 'Pending');
    assert.equal(p.status?.conditions, undefined);
    assert.equal(p.metadata?.creationTimestamp, '2026-01-02T03:04:05Z');
    assert.match(p.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(p.metadata?.namespace, 'default');
  });

  test('a dry run validates and answers without storing; a missing namespace is NotFound', () => {
    createObject(ctx, target('pods', 'default', ''), pod('dry'), { ...options, dryRun: true });
    assert.equal(temp.store.get('pods', 'default', 'dry'), undefined);
    assert.throws(
      () => createObject(ctx, target('pods', 'nowhere', ''), pod('p'), options),
      (e) => statusOf(e)?.message === 'namespaces "nowhere" not found',
    );
  });

  test('an update may change the image but not the command, and a stale resourceVersion is a Conflict', () => {
    const created = createObject(ctx, target('pods', 'default', ''), pod('p'), options).object;
    const t = target('pods', 'default', 'p');
    const changed = structuredClone(created) as KubeObject & {
      spec: { containers: { image: string; command?: string[] }[] };
    };
    changed.spec.containers[0]!.image = 'busybox:2';
    const updated = updateObject(ctx, t, changed, getObject(ctx, t), { ...options, subresource: '' }).object;
    assert.equal(updated.metadata.generation, 2);
    const bad = structuredClone(updated) as typeof changed;
    bad.spec.containers[0]!.command = ['sh'];
    assert.throws(
      () => updateObject(ctx, t, bad, getObject(ctx, t), { ...options, subresource: '' }),
      (e) => statusOf(e)?.code === 422,
    );
    assert.throws(
      () => updateObject(ctx, t, changed, getObject(ctx, t), { ...options, subresource: '' }),
      (e) => statusOf(e)?.reason === 'Conflict',
    );
  });

  test('Pod Security checks an update that changes an image, not one that only changes labels', () => {
    const created = createObject(ctx, target('pods', 'default', ''), pod('p'), options).object;
    const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
    temp.store.guaranteedUpdate('namespaces', '', 'default', (ns) => ({
      ...ns,
      metadata: { ...ns.metadata, labels },
    }));
    const t = target('pods', 'default', 'p');
    const relabelled = structuredClone(created) as KubeObject;
    relabelled.metadata = { ...relabelled.metadata, labels: { a: 'b' } };
    updateObject(ctx, t, relabelled, getObject(ctx, t), { ...options, subresource: '' });
    const reimaged = structuredClone(getObject(ctx, t)) as KubeObject & {
      spec: { containers: { image: string }[] };
    };
    reimaged.spec.containers[0]!.image = 'busybox:2';
    assert.throws(
      () => updateObject(ctx, t, reimaged, getObject(ctx, t), { ...options, subresource: '' }),
      (e) =>
        statusOf(e)?.code === 403 &&
        /violates PodSecurity "restricted:latest"/.test(statusOf(e)?.message ?? ''),
    );
  });

  test('deleting a scheduled pod marks it with the grace period; an unscheduled object goes at once', () => {
    const scheduled = pod('p');
    (scheduled.spec as { nodeName?: string }).nodeName = 'node1';
    createObject(ctx, target('pods', 'default', ''), scheduled, options);
    const marked = deleteObject(ctx, target('pods', 'default', 'p'), {}, false);
    assert.equal(marked.pending, true);
    assert.equal(marked.object.metadata.deletionGracePeriodSeconds, 30);
    assert.equal(marked.object.metadata.deletionTimestamp, '2026-01-02T03:04:35Z');
    const forced = deleteObject(ctx, target('pods', 'default', 'p'), { gracePeriodSeconds: 0 }, false);
    assert.equal(forced.pending, false);
    assert.equal(temp.store.get('pods', 'default', 'p'), undefined);
    createObject(ctx, target('configmaps', 'default', ''), { metadata: { name: 'c' } }, options);
    assert.equal(deleteObject(ctx, target('configmaps', 'default', 'c'), {}, false).pending, false);
  });

  test('deleting a namespace makes it Terminating until its content is gone', () => {
    createObject(ctx, target('namespaces', '', ''), { metadata: { name: 'team' } }, options);
    const result = deleteObject(ctx, target('namespaces', '', 'team'), {}, false);
    assert.equal(result.pending, true);
    assert.equal((result.object.status as { phase: string }).phase, 'Terminating');
  });
});
