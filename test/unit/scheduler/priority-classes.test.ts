import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../src/api/object.js';
import { strategyFor } from '../../../src/apiserver/kinds/index.js';
import {
  ensureSystemPriorityClasses,
  PRIORITY_CLASSES,
} from '../../../src/apiserver/kinds/priority-classes.js';
import { findResource } from '../../../src/apiserver/resources.js';
import { createObject, updateObject, type RestContext, type Target } from '../../../src/apiserver/rest.js';
import { ApiError } from '../../../src/apiserver/status.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

const OPTIONS = { dryRun: false, fieldValidation: 'Strict' as const };

function target(resource: string, group: string, name: string, namespace = ''): Target {
  const def = findResource(group, 'v1', resource);
  assert.ok(def);
  return { def, strategy: strategyFor(def.storageKey, def.kind, def.namespaced), namespace, name };
}

function priorityClass(name: string, value: number, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra };
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e.status.message ?? '';
  }
  assert.fail('expected a refusal');
}

describe('PriorityClasses and Priority admission', () => {
  let temp: TempStore;
  let ctx: RestContext;
  beforeEach(() => {
    temp = openTempStore();
    ctx = { store: temp.store, nodeName: 'n1', user: 'admin', now: new Date() };
    temp.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    temp.store.create('serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'default' },
      automountServiceAccountToken: false,
    });
    ensureSystemPriorityClasses(temp.store);
  });
  afterEach(() => temp.dispose());

  const createClass = (pc: KubeObject) =>
    createObject(ctx, target('priorityclasses', 'scheduling.k8s.io', pc.metadata?.name ?? ''), pc, OPTIONS);
  const createPod = (name: string, spec: Partial<Pod['spec']> = {}) =>
    createObject(
      ctx,
      target('pods', '', name, 'default'),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
      },
      OPTIONS,
    ).object as unknown as Pod;

  test('the system classes exist with their upstream values', () => {
    const node = temp.store.get(PRIORITY_CLASSES, '', 'system-node-critical');
    assert.equal(node?.value, 2000001000);
    assert.equal(temp.store.get(PRIORITY_CLASSES, '', 'system-cluster-critical')?.value, 2000000000);
  });

  test('a pod gets its class value and policy; without a class, 0 and PreemptLowerPriority', () => {
    createClass(priorityClass('gentle', 500, { preemptionPolicy: 'Never' }));
    const pod = createPod('a', { priorityClassName: 'gentle' });
    assert.equal(pod.spec?.priority, 500);
    assert.equal(pod.spec?.preemptionPolicy, 'Never');
    const plain = createPod('b');
    assert.equal(plain.spec?.priority, 0);
    assert.equal(plain.spec?.preemptionPolicy, 'PreemptLowerPriority');
    assert.equal(plain.spec?.nodeName, undefined, 'binding is the scheduler’s');
  });

  test('the global default class names itself on pods without a class', () => {
    createClass(priorityClass('everyone', 7, { globalDefault: true }));
    const pod = createPod('a');
    assert.equal(pod.spec?.priorityClassName, 'everyone');
    assert.equal(pod.spec?.priority, 7);
  });

  test('a missing class and a priority that disagrees are refused as kube-apiserver words it', () => {
    assert.equal(
      message(() => createPod('a', { priorityClassName: 'nope' })),
      'pods "a" is forbidden: no PriorityClass with name nope was found',
    );
    assert.equal(
      message(() => createPod('b', { priority: 5 })),
      'pods "b" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
    );
  });

  test('class validation: value range, reserved prefix, one default, immutable value', () => {
    assert.match(
      message(() => createClass(priorityClass('huge', 1_000_000_001))),
      /value: Forbidden: maximum allowed value of a user defined priority is 1000000000/,
    );
    assert.match(
      message(() => createClass(priorityClass('system-mine', 1))),
      /priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class/,
    );
    createClass(priorityClass('first', 1, { globalDefault: true }));
    assert.equal(
      message(() => createClass(priorityClass('second', 2, { globalDefault: true }))),
      'priorityclasses.scheduling.k8s.io "second" is forbidden: PriorityClass first is already marked as default. Only one default can exist',
    );
    const old = temp.store.get(PRIORITY_CLASSES, '', 'first');
    assert.ok(old);
    assert.match(
      message(() =>
        updateObject(
          ctx,
          target('priorityclasses', 'scheduling.k8s.io', 'first'),
          { ...structuredClone(old), value: 9 },
          old,
          {
            ...OPTIONS,
            subresource: '',
          },
        ),
      ),
      /value: Forbidden: may not be changed in an update/,
    );
  });
});
