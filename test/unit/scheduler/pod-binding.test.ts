import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { bindPod } from '../../../src/apiserver/pod-binding.js';
import { ApiError } from '../../../src/apiserver/status.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

const now = new Date('2026-01-02T03:04:05Z');

function refusal(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return { code: e.status.code, message: e.status.message ?? '' };
  }
  assert.fail('expected a refusal');
}

describe('pods/binding', () => {
  let temp: TempStore;
  beforeEach(() => {
    temp = openTempStore();
    temp.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'u1' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
      status: { phase: 'Pending' },
    });
  });
  afterEach(() => temp.dispose());

  test('sets the node once, merges annotations and marks PodScheduled True', () => {
    const bound = bindPod(temp.store, 'n1', {
      namespace: 'default',
      name: 'p',
      nodeName: 'n1',
      annotations: { note: 'x' },
      now,
    }) as unknown as Pod;
    assert.equal(bound.spec?.nodeName, 'n1');
    assert.equal(bound.metadata?.annotations?.note, 'x');
    assert.deepEqual(bound.status?.conditions, [
      {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: '2026-01-02T03:04:05Z',
      },
    ]);
    assert.deepEqual(
      refusal(() => bindPod(temp.store, 'n1', { namespace: 'default', name: 'p', nodeName: 'n1', now })),
      {
        code: 409,
        message: 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"',
      },
    );
  });

  test('refuses another node, a stale UID and a missing pod', () => {
    assert.equal(
      refusal(() => bindPod(temp.store, 'n1', { namespace: 'default', name: 'p', nodeName: 'n2', now })).code,
      403,
    );
    assert.equal(
      refusal(() =>
        bindPod(temp.store, 'n1', { namespace: 'default', name: 'p', uid: 'old', nodeName: 'n1', now }),
      ).code,
      409,
    );
    assert.deepEqual(
      refusal(() => bindPod(temp.store, 'n1', { namespace: 'default', name: 'gone', nodeName: 'n1', now })),
      { code: 404, message: 'pods "gone" not found' },
    );
  });
});
