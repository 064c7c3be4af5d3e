import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { hasLocalStorageLimit, localStorageViolation } from '../../../src/kubelet/eviction/local-storage.js';

const MI = 1024 * 1024;

function pod(limits: Record<string, string>[], sizeLimit?: string): Pod {
  return {
    spec: {
      volumes: [{ name: 'data', emptyDir: sizeLimit ? { sizeLimit } : {} }],
      containers: limits.map((l, i) => ({ name: `c${i}`, image: 'i', resources: { limits: l } })),
    },
  };
}

const usage = (volume: number, containers: number[]) => ({
  volumes: new Map([['data', volume]]),
  containers: new Map(containers.map((bytes, i) => [`c${i}`, bytes])),
});

describe('local storage eviction', () => {
  test('only pods with an emptyDir sizeLimit or an ephemeral-storage limit need measuring at every pass', () => {
    assert.equal(hasLocalStorageLimit(pod([{ memory: '1Mi' }])), false);
    assert.equal(hasLocalStorageLimit(pod([{ memory: '1Mi' }], '1Mi')), true);
    assert.equal(hasLocalStorageLimit(pod([{}, { 'ephemeral-storage': '1Mi' }])), true);
    const init: Pod = {
      spec: {
        initContainers: [{ name: 'i', resources: { limits: { 'ephemeral-storage': '1' } } }],
        containers: [],
      },
    };
    assert.equal(hasLocalStorageLimit(init), true);
  });

  test('an emptyDir over its sizeLimit comes first, with the limit as written', () => {
    assert.deepEqual(
      localStorageViolation(pod([{ 'ephemeral-storage': '1Mi' }], '1Mi'), usage(2 * MI, [3 * MI])),
      {
        reason: 'Evicted',
        message: 'Usage of EmptyDir volume "data" exceeds the limit "1Mi". ',
      },
    );
  });

  test('then the pod over the sum of its containers limits, counting its volumes', () => {
    const p = pod([{ 'ephemeral-storage': '1Mi' }, { 'ephemeral-storage': '2Mi' }]);
    assert.equal(localStorageViolation(p, usage(MI, [MI, MI])), undefined);
    assert.equal(
      localStorageViolation(p, usage(2 * MI, [MI, MI]))?.message,
      'Pod ephemeral local storage usage exceeds the total limit of containers 3Mi. ',
    );
  });

  test('nothing without limits, however much is used', () => {
    assert.equal(localStorageViolation(pod([{}]), usage(100 * MI, [100 * MI])), undefined);
  });
});
