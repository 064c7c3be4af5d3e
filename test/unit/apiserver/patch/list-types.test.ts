import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listTableFor, listTypes } from '../../../../src/api/list-types.js';

describe('list types', () => {
  test('every map-type list names its keys and every merged list of objects its merge key', () => {
    for (const [kind, table] of Object.entries(listTypes)) {
      for (const [path, s] of Object.entries(table)) {
        if (s.listType === 'map') assert.ok((s.listMapKeys?.length ?? 0) > 0, `${kind} ${path}`);
        if (s.patchMergeKey !== undefined)
          assert.equal(s.patchStrategy?.startsWith('merge'), true, `${kind} ${path}`);
      }
    }
  });

  test('carries the Pod container strategies kubectl relies on', () => {
    const pod = listTableFor('Pod');
    assert.equal(pod['spec.containers']?.patchMergeKey, 'name');
    assert.equal(pod['spec.containers[].env']?.patchMergeKey, 'name');
    assert.equal(pod['spec.containers[].ports']?.patchMergeKey, 'containerPort');
    assert.deepEqual(pod['spec.containers[].ports']?.listMapKeys, ['containerPort', 'protocol']);
    assert.equal(pod['spec.initContainers[].volumeMounts']?.patchMergeKey, 'mountPath');
    assert.equal(pod['spec.volumes']?.patchStrategy, 'merge,retainKeys');
    assert.equal(pod['spec.tolerations'], undefined);
  });

  test('gives unknown kinds the ObjectMeta lists', () => {
    assert.equal(listTableFor('Widget')['metadata.finalizers']?.listType, 'set');
  });
});
