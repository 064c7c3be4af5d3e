import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectStore, StoreEvent } from '../../../src/store/object-store.js';
import { InvalidResourceVersionError, TooOldResourceVersionError } from '../../../src/store/errors.js';
import { configMap, openTempStore, type TempStore } from './temp-store.js';

function withStore(options: Parameters<typeof openTempStore>[0] = {}): TempStore {
  const temp = openTempStore(options);
  after(() => temp.dispose());
  return temp;
}

/** Starts a watch that records `TYPE ns/name@rv` lines; stopped when the test ends. */
function record(
  store: ObjectStore,
  options: { resource?: string; namespace?: string; resourceVersion?: string } = {},
) {
  const controller = new AbortController();
  after(() => controller.abort());
  const seen: string[] = [];
  const events: StoreEvent[] = [];
  store.watch(
    {
      resource: options.resource ?? 'configmaps',
      signal: controller.signal,
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      ...(options.resourceVersion !== undefined ? { resourceVersion: options.resourceVersion } : {}),
    },
    (e) => {
      events.push(e);
      seen.push(`${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}@${e.resourceVersion}`);
    },
  );
  return { seen, events, stop: () => controller.abort() };
}

/** Lets the microtask that starts a watch's initial events run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ObjectStore.watch', () => {
  test('without a resourceVersion: ADDED for every object in list order, then live events', async () => {
    const { store } = withStore();
    store.create('configmaps', configMap('ns', 'b'));
    store.create('configmaps', configMap('ns', 'a'));
    store.create('secrets', configMap('ns', 's'));
    const w = record(store);
    store.update('configmaps', configMap('ns', 'a', { k: 'v' }));
    await settle();
    store.delete('configmaps', 'ns', 'b');
    assert.deepEqual(w.seen, ['ADDED ns/a@2', 'ADDED ns/b@1', 'MODIFIED ns/a@4', 'DELETED ns/b@5']);
  });

  test('resourceVersion "0" behaves like no resourceVersion', async () => {
    const { store } = withStore();
    store.create('configmaps', configMap('ns', 'a'));
    const w = record(store, { resourceVersion: '0' });
    await settle();
    assert.deepEqual(w.seen, ['ADDED ns/a@1']);
  });

  test('initial events start after watch() has returned', async () => {
    const { store } = withStore();
    store.create('configmaps', configMap('ns', 'a'));
    const w = record(store);
    assert.deepEqual(w.seen, []);
    await settle();
    assert.deepEqual(w.seen, ['ADDED ns/a@1']);
  });

  test('from resourceVersion N: only the events after N, replayed, then live', async () => {
    const { store } = withStore();
    store.create('configmaps', configMap('ns', 'a'));
    store.create('configmaps', configMap('ns', 'b'));
    store.update('configmaps', configMap('ns', 'a', { k: '1' }));
    const w = record(store, { resourceVersion: '1' });
    store.delete('configmaps', 'ns', 'a');
    await settle();
    assert.deepEqual(w.seen, ['ADDED ns/b@2', 'MODIFIED ns/a@3', 'DELETED ns/a@4']);
    assert.equal(w.events[1]?.previous?.metadata.resourceVersion, '1');
  });

  test('from the current resourceVersion: nothing until the next write', async () => {
    const { store } = withStore();
    store.create('configmaps', configMap('ns', 'a'));
    const w = record(store, { resourceVersion: String(store.resourceVersion()) });
    await settle();
    assert.deepEqual(w.seen, []);
    store.create('configmaps', configMap('ns', 'b'));
    assert.deepEqual(w.seen, ['ADDED ns/b@2']);
  });

  test('live events are delivered synchronously by the write', async () => {
    const { store } = withStore();
    const w = record(store, { resourceVersion: '0' });
    await settle();
    store.create('configmaps', configMap('ns', 'a'));
    assert.deepEqual(w.seen, ['ADDED ns/a@1']);
  });

  test('a namespace watch sees only that namespace', async () => {
    const { store } = withStore();
    store.create('configmaps', configMap('one', 'a'));
    store.create('configmaps', configMap('two', 'a'));
    const fromStart = record(store, { namespace: 'two' });
    const replayed = record(store, { namespace: 'one', resourceVersion: '0' });
    const fromOne = record(store, { namespace: 'two', resourceVersion: '1' });
    store.create('configmaps', configMap('one', 'b'));
    await settle();
    assert.deepEqual(fromStart.seen, ['ADDED two/a@2']);
    assert.deepEqual(replayed.seen, ['ADDED one/a@1', 'ADDED one/b@3']);
    assert.deepEqual(fromOne.seen, ['ADDED two/a@2']);
  });

  test('a deleted event carries the last state with the deletion resourceVersion', async () => {
    const { store } = withStore();
    store.create('configmaps', configMap('ns', 'a', { k: 'v' }));
    const w = record(store, { resourceVersion: '1' });
    store.delete('configmaps', 'ns', 'a');
    await settle();
    const deleted = w.events[0];
    assert.equal(deleted?.type, 'DELETED');
    assert.equal(deleted?.object.metadata.resourceVersion, '2');
    assert.deepEqual(deleted?.object.data, { k: 'v' });
  });

  test('an aborted watch gets nothing more', async () => {
    const { store } = withStore();
    const w = record(store, { resourceVersion: '0' });
    await settle();
    store.create('configmaps', configMap('ns', 'a'));
    w.stop();
    store.create('configmaps', configMap('ns', 'b'));
    assert.deepEqual(w.seen, ['ADDED ns/a@1']);
  });

  test('a watch aborted before its initial events start gets none', async () => {
    const { store } = withStore();
    store.create('configmaps', configMap('ns', 'a'));
    const w = record(store);
    w.stop();
    await settle();
    assert.deepEqual(w.seen, []);
  });

  test('a resourceVersion older than the watch cache is too old, with kube text', () => {
    const { store } = withStore({ watchCacheCapacity: 3 });
    for (let i = 0; i < 5; i++) store.create('configmaps', configMap('ns', `c${i}`));
    // Events 3, 4, 5 remain: a watch may start at 2 or later.
    assert.throws(() => record(store, { resourceVersion: '1' }), {
      name: 'TooOldResourceVersionError',
      message: 'too old resource version: 1 (2)',
    });
    assert.doesNotThrow(() => record(store, { resourceVersion: '2' }));
  });

  test('the history is per resource: writes to one resource do not expire another', async () => {
    const { store } = withStore({ watchCacheCapacity: 2 });
    store.create('pods', configMap('ns', 'p'));
    for (let i = 0; i < 10; i++) store.create('events', configMap('ns', `e${i}`));
    const w = record(store, { resource: 'pods', resourceVersion: '0' });
    const fromStart = record(store, { resource: 'pods', resourceVersion: '0' });
    assert.throws(
      () => record(store, { resource: 'events', resourceVersion: '1' }),
      TooOldResourceVersionError,
    );
    const replay = record(store, { resource: 'pods', resourceVersion: '0' });
    await settle();
    assert.deepEqual(w.seen, ['ADDED ns/p@1']);
    assert.deepEqual(fromStart.seen, replay.seen);
  });

  test('after a restart a watch from an older resourceVersion is too old, from the current one fine', async () => {
    const temp = withStore();
    temp.store.create('configmaps', configMap('ns', 'a'));
    temp.store.create('configmaps', configMap('ns', 'b'));
    const store = temp.reopen();
    assert.throws(() => record(store, { resourceVersion: '1' }), {
      message: 'too old resource version: 1 (2)',
    });
    const w = record(store, { resourceVersion: '2' });
    store.create('configmaps', configMap('ns', 'c'));
    await settle();
    assert.deepEqual(w.seen, ['ADDED ns/c@3']);
  });

  test('a resourceVersion that is not a number is refused', () => {
    const { store } = withStore();
    assert.throws(() => record(store, { resourceVersion: 'abc' }), InvalidResourceVersionError);
    assert.throws(() => record(store, { resourceVersion: '-1' }), InvalidResourceVersionError);
  });

  test('a future resourceVersion delivers only the events after it', async () => {
    const { store } = withStore();
    const w = record(store, { resourceVersion: '2' });
    store.create('configmaps', configMap('ns', 'a'));
    store.create('configmaps', configMap('ns', 'b'));
    store.create('configmaps', configMap('ns', 'c'));
    await settle();
    assert.deepEqual(w.seen, ['ADDED ns/c@3']);
  });

  test('writes made by a listener reach every watcher in resourceVersion order', async () => {
    const { store } = withStore();
    const controller = new AbortController();
    after(() => controller.abort());
    const first: number[] = [];
    store.watch({ resource: 'configmaps', resourceVersion: '0', signal: controller.signal }, (e) => {
      first.push(e.resourceVersion);
      if (e.object.metadata.name === 'a') store.create('configmaps', configMap('ns', 'from-listener'));
    });
    const second = record(store, { resourceVersion: '0' });
    await settle();
    store.create('configmaps', configMap('ns', 'a'));
    store.create('configmaps', configMap('ns', 'z'));
    assert.deepEqual(first, [1, 2, 3]);
    assert.deepEqual(second.seen, ['ADDED ns/a@1', 'ADDED ns/from-listener@2', 'ADDED ns/z@3']);
  });

  test('a watch opened inside a delivery gets each event exactly once', async () => {
    const { store } = withStore();
    const inner: string[] = [];
    const controller = new AbortController();
    after(() => controller.abort());
    store.watch({ resource: 'configmaps', resourceVersion: '0', signal: controller.signal }, (e) => {
      if (e.object.metadata.name !== 'a') return;
      store.create('configmaps', configMap('ns', 'b'));
      store.watch({ resource: 'configmaps', resourceVersion: '0', signal: controller.signal }, (i) =>
        inner.push(`${i.type} ${i.object.metadata.name}@${i.resourceVersion}`),
      );
    });
    await settle();
    store.create('configmaps', configMap('ns', 'a'));
    await settle();
    store.create('configmaps', configMap('ns', 'c'));
    assert.deepEqual(inner, ['ADDED a@1', 'ADDED b@2', 'ADDED c@3']);
  });

  test('a throwing listener does not stop the write or the other watchers', async () => {
    const { store } = withStore();
    const controller = new AbortController();
    after(() => controller.abort());
    store.watch({ resource: 'configmaps', resourceVersion: '0', signal: controller.signal }, () => {
      throw new Error('listener bug');
    });
    const w = record(store, { resourceVersion: '0' });
    await settle();
    const stored = store.create('configmaps', configMap('ns', 'a'));
    assert.equal(stored.metadata.resourceVersion, '1');
    assert.deepEqual(w.seen, ['ADDED ns/a@1']);
  });
});
