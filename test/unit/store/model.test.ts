// Random sequences of writes against a plain Map model: lists, pages, watches and a reopened store must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { StoredObject } from '../../../src/api/object.js';
import type { ObjectStore } from '../../../src/store/object-store.js';
import { configMap, openTempStore } from './temp-store.js';

type Op =
  | { kind: 'create'; namespace: string; name: string; value: string }
  | { kind: 'update'; namespace: string; name: string; value: string }
  | { kind: 'delete'; namespace: string; name: string };

const namespaceArb = fc.constantFrom('', 'a', 'a-b', 'b', 'default');
const nameArb = fc.constantFrom('x', 'y', 'x-1', 'z', 'x.y');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    namespace: namespaceArb,
    name: nameArb,
    value: fc.string(),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    namespace: namespaceArb,
    name: nameArb,
    value: fc.string(),
  }),
  fc.record({ kind: fc.constant('delete' as const), namespace: namespaceArb, name: nameArb }),
);

interface Model {
  objects: Map<string, { namespace: string; name: string; value: string; resourceVersion: number }>;
  resourceVersion: number;
}

/** Applies op to the store and the model; both must agree on whether it succeeds. */
function apply(store: ObjectStore, model: Model, op: Op): void {
  const key = `${op.namespace}/${op.name}`;
  const exists = model.objects.has(key);
  const attempt = () => {
    if (op.kind === 'create') store.create('configmaps', configMap(op.namespace, op.name, { v: op.value }));
    else if (op.kind === 'update')
      store.update('configmaps', configMap(op.namespace, op.name, { v: op.value }));
    else store.delete('configmaps', op.namespace, op.name);
  };
  if ((op.kind === 'create') === exists) {
    assert.throws(attempt);
    return;
  }
  attempt();
  const previous = model.objects.get(key);
  if (op.kind === 'delete') {
    model.objects.delete(key);
    model.resourceVersion++;
  } else if (previous?.value !== op.value || op.kind === 'create') {
    model.resourceVersion++;
    model.objects.set(key, { ...op, resourceVersion: model.resourceVersion });
  }
}

function expected(model: Model, namespace?: string): string[] {
  return [...model.objects.values()]
    .filter((o) => namespace === undefined || o.namespace === namespace)
    .map((o) => ({ sortKey: o.namespace === '' ? o.name : `${o.namespace}/${o.name}`, o }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
    .map(({ o }) => `${o.namespace}/${o.name}=${o.value}@${o.resourceVersion}`);
}

function actual(items: readonly StoredObject[]): string[] {
  return items.map(
    (o) =>
      `${o.metadata.namespace}/${o.metadata.name}=${(o.data as { v: string }).v}@${o.metadata.resourceVersion}`,
  );
}

function pagedList(store: ObjectStore, namespace: string | undefined, limit: number): StoredObject[] {
  const items: StoredObject[] = [];
  let token: string | undefined;
  do {
    const page = store.list('configmaps', namespace, { limit, ...(token ? { continue: token } : {}) });
    items.push(...page.items);
    token = page.continue;
  } while (token);
  return items;
}

test('list and watch after random writes equal a simple model, paged or not, before and after a restart', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { maxLength: 40 }),
      fc.integer({ min: 1, max: 4 }),
      namespaceArb,
      async (ops, limit, ns) => {
        const temp = openTempStore();
        const controller = new AbortController();
        try {
          const watched = new Map<string, StoredObject>();
          temp.store.watch({ resource: 'configmaps', signal: controller.signal }, (e) => {
            const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
            if (e.type === 'DELETED') watched.delete(key);
            else watched.set(key, e.object);
          });
          const model: Model = { objects: new Map(), resourceVersion: 0 };
          for (const op of ops) apply(temp.store, model, op);
          assert.equal(temp.store.resourceVersion(), model.resourceVersion);
          assert.deepEqual(actual(temp.store.list('configmaps', undefined).items), expected(model));
          assert.deepEqual(actual(temp.store.list('configmaps', ns).items), expected(model, ns));
          assert.deepEqual(actual(pagedList(temp.store, undefined, limit)), expected(model));
          assert.deepEqual(actual(pagedList(temp.store, ns, limit)), expected(model, ns));
          await new Promise<void>((resolve) => setImmediate(resolve));
          assert.deepEqual(actual([...watched.values()]).sort(), expected(model).sort());
          const reopened = temp.reopen();
          assert.deepEqual(actual(reopened.list('configmaps', undefined).items), expected(model));
        } finally {
          controller.abort();
          temp.dispose();
        }
      },
    ),
    { numRuns: 60 },
  );
});
