import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore } from '../../../src/store/object-store.js';
import {
  AlreadyExistsError,
  ConflictError,
  ExpiredContinueError,
  InvalidContinueError,
  NotFoundError,
  StorageError,
} from '../../../src/store/errors.js';
import { decodeContinue, encodeContinue } from '../../../src/store/continue-token.js';
import { configMap, openTempStore, type TempStore } from './temp-store.js';

function withStore(options: Parameters<typeof openTempStore>[0] = {}): TempStore {
  const temp = openTempStore(options);
  after(() => temp.dispose());
  return temp;
}

describe('ObjectStore writes', () => {
  test('every write moves one global resourceVersion shared by all resources', () => {
    const { store } = withStore();
    assert.equal(store.resourceVersion(), 0);
    const a = store.create('configmaps', configMap('default', 'a'));
    const node = store.create('nodes', { metadata: { name: 'n1' } });
    const a2 = store.update('configmaps', { ...structuredClone(a), data: { k: 'v' } });
    const gone = store.delete('nodes', '', 'n1');
    assert.deepEqual(
      [a, node, a2, gone].map((o) => o.metadata.resourceVersion),
      ['1', '2', '3', '4'],
    );
    assert.equal(store.resourceVersion(), 4);
  });

  test('create refuses a second object with the same key and keeps the first', () => {
    const { store } = withStore();
    store.create('configmaps', configMap('default', 'a', { v: '1' }));
    assert.throws(
      () => store.create('configmaps', configMap('default', 'a', { v: '2' })),
      (e: unknown) => e instanceof AlreadyExistsError && e.key.name === 'a' && e.key.namespace === 'default',
    );
    assert.deepEqual(store.get('configmaps', 'default', 'a')?.data, { v: '1' });
    assert.equal(store.resourceVersion(), 1);
  });

  test('the same name may exist in two namespaces and in two resources', () => {
    const { store } = withStore();
    store.create('configmaps', configMap('a', 'x'));
    store.create('configmaps', configMap('b', 'x'));
    store.create('secrets', configMap('a', 'x'));
    assert.equal(store.list('configmaps', undefined).items.length, 2);
    assert.equal(store.list('secrets', undefined).items.length, 1);
  });

  test('update with a stale resourceVersion precondition is a conflict and changes nothing', () => {
    const { store } = withStore();
    const first = store.create('configmaps', configMap('default', 'a'));
    store.update('configmaps', { ...structuredClone(first), data: { n: '1' } });
    assert.throws(
      () =>
        store.update(
          'configmaps',
          { ...structuredClone(first), data: { n: '2' } },
          { resourceVersion: first.metadata.resourceVersion },
        ),
      (e: unknown) =>
        e instanceof ConflictError &&
        e.message ===
          'the object has been modified; please apply your changes to the latest version and try again',
    );
    assert.deepEqual(store.get('configmaps', 'default', 'a')?.data, { n: '1' });
  });

  test('update without a precondition overwrites whatever is stored', () => {
    const { store } = withStore();
    store.create('configmaps', configMap('default', 'a'));
    const stored = store.update('configmaps', {
      ...configMap('default', 'a', { x: 'y' }),
      metadata: { name: 'a', namespace: 'default', resourceVersion: '999' },
    });
    assert.equal(stored.metadata.resourceVersion, '2');
    assert.deepEqual(stored.data, { x: 'y' });
  });

  test('update of a missing object is not found', () => {
    const { store } = withStore();
    assert.throws(() => store.update('configmaps', configMap('default', 'nope')), NotFoundError);
  });

  test('an update that changes nothing is not written and keeps the resourceVersion', () => {
    const { store } = withStore();
    const stored = store.create('configmaps', configMap('default', 'a', { k: 'v' }));
    const again = store.update('configmaps', structuredClone(stored));
    assert.equal(again, stored);
    assert.equal(store.resourceVersion(), 1);
  });

  test('delete returns the last state with the deletion resourceVersion and removes the object', () => {
    const { store } = withStore();
    store.create('configmaps', configMap('default', 'a', { k: 'v' }));
    const last = store.delete('configmaps', 'default', 'a');
    assert.equal(last.metadata.resourceVersion, '2');
    assert.deepEqual(last.data, { k: 'v' });
    assert.equal(store.get('configmaps', 'default', 'a'), undefined);
    assert.throws(() => store.delete('configmaps', 'default', 'a'), NotFoundError);
  });

  test('delete checks the uid and resourceVersion preconditions with kube texts', () => {
    const { store } = withStore();
    const stored = store.create('configmaps', {
      ...configMap('default', 'a'),
      metadata: { name: 'a', namespace: 'default', uid: 'u1' },
    });
    assert.throws(() => store.delete('configmaps', 'default', 'a', { uid: 'u2' }), {
      name: 'ConflictError',
      message: 'Precondition failed: UID in precondition: u2, UID in object meta: u1',
    });
    assert.throws(() => store.delete('configmaps', 'default', 'a', { resourceVersion: '7' }), {
      message: 'Precondition failed: ResourceVersion in precondition: 7, ResourceVersion in object meta: 1',
    });
    assert.ok(store.get('configmaps', 'default', 'a'));
    store.delete('configmaps', 'default', 'a', {
      uid: 'u1',
      resourceVersion: stored.metadata.resourceVersion,
    });
    assert.equal(store.get('configmaps', 'default', 'a'), undefined);
  });

  test('objects handed out are deeply frozen and the caller object is not', () => {
    const { store } = withStore();
    const input = configMap('default', 'a', { k: 'v' });
    const stored = store.create('configmaps', input);
    assert.ok(Object.isFrozen(stored) && Object.isFrozen(stored.metadata) && Object.isFrozen(stored.data));
    assert.throws(() => {
      (stored.data as Record<string, string>).k = 'changed';
    }, TypeError);
    assert.ok(!Object.isFrozen(input));
    assert.equal(input.metadata?.resourceVersion, undefined);
  });

  test('an object without a name is refused', () => {
    const { store } = withStore();
    assert.throws(
      () => store.create('configmaps', { metadata: { namespace: 'default' } }),
      /without metadata.name/,
    );
  });
});

describe('ObjectStore.guaranteedUpdate', () => {
  test('applies mutate to the latest state', () => {
    const { store } = withStore();
    store.create('configmaps', configMap('default', 'a', { n: '0' }));
    const updated = store.guaranteedUpdate('configmaps', 'default', 'a', (current) => ({
      ...structuredClone(current),
      data: { n: String(Number((current.data as { n: string }).n) + 1) },
    }));
    assert.deepEqual(updated.data, { n: '1' });
    assert.equal(updated.metadata.resourceVersion, '2');
  });

  test('undefined from mutate leaves the object and the resourceVersion alone', () => {
    const { store } = withStore();
    const stored = store.create('configmaps', configMap('default', 'a'));
    assert.equal(
      store.guaranteedUpdate('configmaps', 'default', 'a', () => undefined),
      stored,
    );
    assert.equal(store.resourceVersion(), 1);
  });

  test('retries when mutate itself changed the object', () => {
    const { store } = withStore();
    store.create('configmaps', configMap('default', 'a', { n: '0' }));
    let calls = 0;
    const result = store.guaranteedUpdate('configmaps', 'default', 'a', (current) => {
      calls++;
      if (calls === 1) store.update('configmaps', { ...structuredClone(current), data: { n: 'other' } });
      return { ...structuredClone(current), data: { ...(current.data as object), mine: 'yes' } };
    });
    assert.equal(calls, 2);
    assert.deepEqual(result.data, { n: 'other', mine: 'yes' });
  });

  test('a missing object is not found', () => {
    const { store } = withStore();
    assert.throws(() => store.guaranteedUpdate('configmaps', 'default', 'x', (c) => c), NotFoundError);
  });
});

describe('ObjectStore.list', () => {
  function seed(store: ObjectStore): void {
    for (const [ns, name] of [
      ['default', 'b'],
      ['kube-system', 'a'],
      ['default', 'a'],
      ['default-x', 'a'],
      ['default', 'c'],
    ] as const)
      store.create('configmaps', configMap(ns, name));
  }
  const keys = (items: { metadata: { namespace?: string; name: string } }[]) =>
    items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

  test('lists in etcd key order: namespace, then name', () => {
    const { store } = withStore();
    seed(store);
    assert.deepEqual(keys(store.list('configmaps', undefined).items), [
      'default-x/a',
      'default/a',
      'default/b',
      'default/c',
      'kube-system/a',
    ]);
    assert.deepEqual(keys(store.list('configmaps', 'default').items), [
      'default/a',
      'default/b',
      'default/c',
    ]);
    assert.deepEqual(store.list('configmaps', 'nowhere').items, []);
    assert.deepEqual(store.list('unknown', undefined), { items: [], resourceVersion: '5' });
  });

  test('the list resourceVersion is the store resourceVersion', () => {
    const { store } = withStore();
    seed(store);
    store.create('nodes', { metadata: { name: 'n' } });
    assert.equal(store.list('configmaps', undefined).resourceVersion, '6');
  });

  test('pages with limit and continue cover every object once, with remainingItemCount', () => {
    const { store } = withStore();
    seed(store);
    const first = store.list('configmaps', undefined, { limit: 2 });
    assert.deepEqual(keys(first.items), ['default-x/a', 'default/a']);
    assert.equal(first.remainingItemCount, 3);
    assert.ok(first.continue);
    assert.deepEqual(decodeContinue(first.continue), { start: 'default/a\0', resourceVersion: 5 });
    const second = store.list('configmaps', undefined, { limit: 2, continue: first.continue });
    assert.deepEqual(keys(second.items), ['default/b', 'default/c']);
    assert.equal(second.remainingItemCount, 1);
    const third = store.list('configmaps', undefined, { limit: 2, continue: second.continue ?? '' });
    assert.deepEqual(keys(third.items), ['kube-system/a']);
    assert.equal(third.continue, undefined);
    assert.equal(third.remainingItemCount, undefined);
  });

  test('a namespaced page token holds the name relative to the namespace, as kube-apiserver', () => {
    const { store } = withStore();
    seed(store);
    const first = store.list('configmaps', 'default', { limit: 1 });
    assert.deepEqual(decodeContinue(first.continue ?? ''), { start: 'a\0', resourceVersion: 5 });
    const rest = store.list('configmaps', 'default', { continue: first.continue ?? '' });
    assert.deepEqual(keys(rest.items), ['default/b', 'default/c']);
  });

  test('continued pages carry the first page resourceVersion and show the current state', () => {
    const { store } = withStore();
    seed(store);
    const first = store.list('configmaps', 'default', { limit: 1 });
    store.update('configmaps', configMap('default', 'b', { changed: 'yes' }));
    store.delete('configmaps', 'default', 'c');
    const rest = store.list('configmaps', 'default', { limit: 5, continue: first.continue ?? '' });
    assert.equal(rest.resourceVersion, '5');
    assert.deepEqual(keys(rest.items), ['default/b']);
    assert.deepEqual(rest.items[0]?.data, { changed: 'yes' });
  });

  test('a filter applies before the limit and hides remainingItemCount', () => {
    const { store } = withStore();
    seed(store);
    const onlyA = (o: { metadata: { name: string } }) => o.metadata.name === 'a';
    const first = store.list('configmaps', undefined, { limit: 2, filter: onlyA });
    assert.deepEqual(keys(first.items), ['default-x/a', 'default/a']);
    assert.equal(first.remainingItemCount, undefined);
    const second = store.list('configmaps', undefined, {
      limit: 2,
      filter: onlyA,
      continue: first.continue ?? '',
    });
    assert.deepEqual(keys(second.items), ['kube-system/a']);
    assert.equal(second.continue, undefined);
  });

  test('a page that ends exactly at the last object has no continue token', () => {
    const { store } = withStore();
    seed(store);
    const all = store.list('configmaps', 'default', { limit: 3 });
    assert.equal(all.items.length, 3);
    assert.equal(all.continue, undefined);
  });

  test('a continue token older than the watch cache is 410 Expired with a token to go on from now', () => {
    const { store } = withStore({ watchCacheCapacity: 2 });
    seed(store);
    const first = store.list('configmaps', 'default', { limit: 1 });
    for (let i = 0; i < 3; i++) store.update('configmaps', configMap('default', 'a', { i: String(i) }));
    let expired: ExpiredContinueError | undefined;
    assert.throws(
      () => store.list('configmaps', 'default', { limit: 1, continue: first.continue ?? '' }),
      (e: unknown) => {
        expired = e as ExpiredContinueError;
        return e instanceof ExpiredContinueError;
      },
    );
    assert.match(
      expired?.message ?? '',
      /^The provided continue parameter is too old to display a consistent/,
    );
    const inconsistent = decodeContinue(expired?.continueToken ?? '');
    assert.deepEqual(inconsistent, { start: 'a\0', resourceVersion: -1 });
    const rest = store.list('configmaps', 'default', { continue: expired?.continueToken ?? '' });
    assert.equal(rest.resourceVersion, '8');
    assert.deepEqual(keys(rest.items), ['default/b', 'default/c']);
  });

  test('a continue token from before a restart is expired', () => {
    const temp = withStore();
    seed(temp.store);
    const first = temp.store.list('configmaps', undefined, { limit: 1 });
    temp.store.create('configmaps', configMap('later', 'x'));
    const store = temp.reopen();
    assert.throws(
      () => store.list('configmaps', undefined, { continue: first.continue ?? '' }),
      ExpiredContinueError,
    );
  });

  test('malformed continue tokens are refused with kube texts', () => {
    const { store } = withStore();
    seed(store);
    const bad = (token: string) => () => store.list('configmaps', undefined, { continue: token });
    assert.throws(bad('!!!not base64 json'), (e: unknown) => e instanceof InvalidContinueError);
    assert.throws(bad(encodeContinue({ start: 'a', resourceVersion: 0 })), {
      message: 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    });
    assert.throws(bad(encodeContinue({ start: '', resourceVersion: 3 })), {
      message: 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)',
    });
    assert.throws(bad(encodeContinue({ start: '../x', resourceVersion: 3 })), {
      message: 'continue key is not valid: ../x',
    });
    const otherVersion = Buffer.from(JSON.stringify({ v: 'v2', rv: 3, start: 'a' })).toString('base64url');
    assert.throws(bad(otherVersion), {
      message: 'continue key is not valid: server does not recognize this encoded version v2',
    });
  });
});

describe('ObjectStore persistence', () => {
  test('a reopened store has every object, its resourceVersion and the counter', () => {
    const temp = withStore();
    temp.store.create('configmaps', configMap('default', 'a', { k: 'v' }));
    temp.store.create('configmaps', configMap('default', 'b'));
    temp.store.delete('configmaps', 'default', 'b');
    temp.store.create('nodes', { metadata: { name: 'n1', uid: 'u' } });
    const before = temp.store.list('configmaps', undefined);
    const store = temp.reopen();
    assert.equal(store.resourceVersion(), 4);
    assert.deepEqual(store.list('configmaps', undefined), before);
    assert.equal(store.get('nodes', '', 'n1')?.metadata.uid, 'u');
    assert.ok(Object.isFrozen(store.get('configmaps', 'default', 'a')?.data));
    assert.equal(store.create('configmaps', configMap('default', 'c')).metadata.resourceVersion, '5');
  });

  test('a second store on the same file is refused while the first is open', () => {
    const temp = withStore();
    assert.throws(() => ObjectStore.open(temp.file), StorageError);
  });

  test('a write after close fails and changes nothing in memory', () => {
    const temp = withStore();
    temp.store.create('configmaps', configMap('default', 'a'));
    temp.store.close();
    assert.throws(() => temp.store.create('configmaps', configMap('default', 'b')), StorageError);
    assert.equal(temp.store.resourceVersion(), 1);
    assert.equal(temp.store.get('configmaps', 'default', 'b'), undefined);
  });
});
