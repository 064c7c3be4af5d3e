import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ManagedFieldsEntry } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../../../src/api/object.js';
import { ApplyConflictError } from '../../../../src/apiserver/patch/errors.js';
import { apply, trackUpdate } from '../../../../src/apiserver/patch/server-side-apply.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:05:00Z');

function pod(image: string, labels: Record<string, string> = { app: 'web' }, extra: object = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', labels },
    spec: { containers: [{ name: 'c', image, ...extra }] },
  };
}

function entry(object: KubeObject, manager: string): ManagedFieldsEntry | undefined {
  return object.metadata?.managedFields?.find((e) => e.manager === manager);
}

function conflictOf(run: () => unknown): ApplyConflictError {
  try {
    run();
  } catch (err) {
    if (err instanceof ApplyConflictError) return err;
    throw err;
  }
  assert.fail('expected an apply conflict');
}

/** What the API server stores: the object after a create by `manager` (kubectl create / client-side apply). */
function created(object: KubeObject, manager: string): KubeObject {
  return trackUpdate(undefined, object, manager, 'Update', t0);
}

describe('server-side apply', () => {
  test('creates the object and records the applier as owner of every field it set', () => {
    const result = apply(undefined, pod('nginx:1'), 'kubectl', false, t0);
    assert.equal((result['spec'] as { containers: { image: string }[] }).containers[0]?.image, 'nginx:1');
    assert.deepEqual(result.metadata?.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: '2026-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:name': {}, 'f:image': {} } } },
        },
      },
    ]);
  });

  test('applying the same manifest twice changes nothing, not even the managedFields time', () => {
    const first = apply(undefined, pod('nginx:1'), 'kubectl', false, t0);
    assert.deepEqual(apply(first, pod('nginx:1'), 'kubectl', false, t1), first);
  });

  test('moves the timestamp when the applied configuration changes the object', () => {
    const first = apply(undefined, pod('nginx:1'), 'kubectl', false, t0);
    const second = apply(first, pod('nginx:2'), 'kubectl', false, t1);
    assert.equal(entry(second, 'kubectl')?.time, '2026-01-01T00:05:00Z');
  });

  test('refuses to change a field another manager owns, with the API server wording', () => {
    const live = created(pod('nginx:1'), 'kubectl-client-side-apply');
    const err = conflictOf(() => apply(live, pod('nginx:2'), 'kubectl', false, t1));
    assert.equal(
      err.message,
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .spec.containers[name="c"].image',
    );
    assert.deepEqual(err.causes, [
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-client-side-apply" using v1',
        field: '.spec.containers[name="c"].image',
      },
    ]);
    assert.equal(err.code, 409);
  });

  test('lists several conflicts grouped by manager', () => {
    const live = apply(
      created(pod('nginx:1'), 'creator'),
      pod('nginx:1', { app: 'web', tier: 'fe' }),
      'other',
      false,
      t0,
    );
    const err = conflictOf(() =>
      apply(live, pod('nginx:2', { app: 'api', tier: 'be' }), 'kubectl', false, t1),
    );
    assert.equal(
      err.message,
      [
        'Apply failed with 5 conflicts: conflicts with "creator" using v1:',
        '- .metadata.labels.app',
        '- .spec.containers[name="c"].image',
        'conflicts with "other":',
        '- .metadata.labels.app',
        '- .metadata.labels.tier',
        '- .spec.containers[name="c"].image',
      ].join('\n'),
    );
  });

  test('shares ownership of a field applied with the value it already has', () => {
    const live = created(pod('nginx:1'), 'kubectl-client-side-apply');
    const result = apply(live, pod('nginx:1'), 'kubectl', false, t1);
    const image = (e: ManagedFieldsEntry | undefined): unknown =>
      (e?.fieldsV1 as Record<string, Record<string, Record<string, Record<string, unknown>>>>)['f:spec']?.[
        'f:containers'
      ]?.['k:{"name":"c"}']?.['f:image'];
    assert.deepEqual(image(entry(result, 'kubectl')), {});
    assert.deepEqual(image(entry(result, 'kubectl-client-side-apply')), {});
  });

  test('with force takes the conflicting fields over', () => {
    const live = created(pod('nginx:1'), 'kubectl-client-side-apply');
    const result = apply(live, pod('nginx:2'), 'kubectl', true, t1);
    assert.equal((result['spec'] as { containers: { image: string }[] }).containers[0]?.image, 'nginx:2');
    const before = JSON.stringify(entry(result, 'kubectl-client-side-apply')?.fieldsV1);
    assert.ok(!before.includes('f:image'), before);
    assert.doesNotThrow(() => apply(result, pod('nginx:3'), 'kubectl', false, t1));
  });

  test('removes a field dropped from the configuration that only the applier owned', () => {
    const first = apply(undefined, pod('nginx:1', { app: 'web', tier: 'fe' }), 'kubectl', false, t0);
    const second = apply(first, pod('nginx:1', { app: 'web' }), 'kubectl', false, t1);
    assert.deepEqual(second.metadata?.labels, { app: 'web' });
  });

  test('keeps a dropped field another manager also owns', () => {
    const first = apply(undefined, pod('nginx:1', { app: 'web', tier: 'fe' }), 'kubectl', false, t0);
    const shared = apply(first, pod('nginx:1', { tier: 'fe' }), 'other', false, t0);
    const second = apply(shared, pod('nginx:1', { app: 'web' }), 'kubectl', false, t1);
    assert.deepEqual(second.metadata?.labels, { app: 'web', tier: 'fe' });
  });

  test('removes a container dropped from the configuration', () => {
    const two: KubeObject = {
      ...pod('a'),
      spec: {
        containers: [
          { name: 'c', image: 'a' },
          { name: 'd', image: 'b' },
        ],
      },
    };
    const first = apply(undefined, two, 'kubectl', false, t0);
    const second = apply(first, pod('a'), 'kubectl', false, t1);
    assert.deepEqual(second['spec'], { containers: [{ name: 'c', image: 'a' }] });
  });

  test('keeps fields other writers set when the applier does not mention them', () => {
    const first = apply(undefined, pod('nginx:1'), 'kubectl', false, t0);
    const defaulted = trackUpdate(
      first,
      pod('nginx:1', { app: 'web' }, { imagePullPolicy: 'IfNotPresent' }),
      'defaulter',
      'Update',
      t0,
    );
    const second = apply(defaulted, pod('nginx:2'), 'kubectl', false, t1);
    assert.deepEqual(second['spec'], {
      containers: [{ name: 'c', image: 'nginx:2', imagePullPolicy: 'IfNotPresent' }],
    });
  });

  test('matches list items by key with the defaults the server filled in (port protocol)', () => {
    const applied = pod('a', { app: 'web' }, { ports: [{ containerPort: 80 }] });
    const first = apply(undefined, applied, 'kubectl', false, t0);
    const defaulted = pod('a', { app: 'web' }, { ports: [{ containerPort: 80, protocol: 'TCP' }] });
    const live = trackUpdate(first, defaulted, 'defaulter', 'Update', t0);
    const again = apply(live, applied, 'kubectl', false, t1);
    const spec = again['spec'] as { containers: { ports: unknown[] }[] };
    assert.deepEqual(spec.containers[0]?.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  });

  test('ignores status in an apply to a Pod and keeps the live status', () => {
    const live = { ...apply(undefined, pod('a'), 'kubectl', false, t0), status: { phase: 'Running' } };
    const result = apply(live, { ...pod('a'), status: { phase: 'Failed' } }, 'kubectl', false, t1);
    assert.deepEqual(result['status'], { phase: 'Running' });
  });
});

describe('field ownership of ordinary writes', () => {
  test('gives the writer what it changed and takes it from the others', () => {
    const live = apply(undefined, pod('nginx:1'), 'kubectl', false, t0);
    const edited = trackUpdate(live, pod('nginx:2'), 'kubectl-edit', 'Update', t1);
    const err = conflictOf(() => apply(edited, pod('nginx:3'), 'kubectl', false, t1));
    assert.match(err.message, /conflict with "kubectl-edit" using v1: \.spec\.containers\[name="c"\]\.image/);
  });

  test('does not add an entry for a write that changed nothing', () => {
    const live = created(pod('a'), 'creator');
    const same = trackUpdate(live, pod('a'), 'kubectl-label', 'Update', t1);
    assert.deepEqual(same.metadata?.managedFields, live.metadata?.managedFields);
  });

  test('drops ownership of fields the write removed', () => {
    const live = created(pod('a', { app: 'web', tier: 'fe' }), 'creator');
    const updated = trackUpdate(live, pod('a', { app: 'web' }), 'kubectl-label', 'Update', t1);
    assert.ok(!JSON.stringify(updated.metadata?.managedFields).includes('f:tier'));
    assert.equal(entry(updated, 'kubectl-label'), undefined);
  });

  test('records a status write under its subresource, owning status only', () => {
    const live = { ...created(pod('a'), 'creator'), status: { phase: 'Pending' } };
    const updated = trackUpdate(
      live,
      { ...live, status: { phase: 'Running' } },
      'kubelet',
      'Update',
      t1,
      'status',
    );
    assert.deepEqual(entry(updated, 'kubelet'), {
      manager: 'kubelet',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-01-01T00:05:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:phase': {} } },
      subresource: 'status',
    });
  });

  test('takes the managedFields a client replaced, and clears them for an empty list', () => {
    const live = created(pod('a'), 'creator');
    const cleared = trackUpdate(
      live,
      { ...pod('a'), metadata: { ...pod('a').metadata, managedFields: [] } },
      'x',
      'Update',
      t1,
    );
    assert.equal(cleared.metadata?.managedFields, undefined);
  });
});

describe('server-side apply properties', () => {
  const labels = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('1', '2'), {
    maxKeys: 4,
  });
  const containers = fc.uniqueArray(
    fc.record({ name: fc.constantFrom('x', 'y', 'z'), image: fc.constantFrom('i1', 'i2') }),
    { selector: (c) => c.name, maxLength: 3 },
  );
  // Through JSON, as the API server receives manifests (fast-check builds null-prototype objects).
  const manifest = fc.record({ labels, containers }).map(
    ({ labels: l, containers: c }): KubeObject =>
      JSON.parse(
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', labels: l },
          spec: { containers: c },
        }),
      ) as KubeObject,
  );

  test('applying a manifest twice is idempotent, whatever was applied before', () => {
    fc.assert(
      fc.property(fc.option(manifest, { nil: undefined }), manifest, (earlier, config) => {
        const live = earlier === undefined ? undefined : apply(undefined, earlier, 'kubectl', false, t0);
        const once = apply(live, config, 'kubectl', false, t0);
        assert.deepEqual(apply(once, config, 'kubectl', false, t1), once);
      }),
    );
  });

  test('a sole applier ends with exactly what it applied', () => {
    fc.assert(
      fc.property(manifest, manifest, (earlier, config) => {
        const result = apply(apply(undefined, earlier, 'kubectl', false, t0), config, 'kubectl', false, t1);
        const { managedFields, ...metadata } = result.metadata ?? {};
        assert.ok(managedFields === undefined || managedFields.length === 1);
        assert.deepEqual({ ...result, metadata }, config);
      }),
    );
  });
});

describe('server-side apply on untracked objects', () => {
  test('gives the fields of an object nobody tracked to before-first-apply, so the first apply sees conflicts', () => {
    const err = conflictOf(() => apply(pod('nginx:1'), pod('nginx:2'), 'kubectl', false, t1));
    assert.match(
      err.message,
      /conflict with "before-first-apply" using v1: \.spec\.containers\[name="c"\]\.image/,
    );
  });
});
