import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasPrinter, printTable } from '../../../../src/apiserver/printers/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p1',
    namespace: 'default',
    uid: '7d3c',
    resourceVersion: '101',
    creationTimestamp: '2024-05-01T11:55:00Z',
    labels: { app: 'web' },
  },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
  status: { phase: 'Pending' },
};

describe('printTable', () => {
  test('answers a meta.k8s.io/v1 Table with the list metadata', () => {
    const table = printTable('pods', [pod], {
      now: NOW,
      includeObject: 'Metadata',
      listMeta: { resourceVersion: '123', continue: 'abc', remainingItemCount: 4 },
    });
    assert.equal(table.kind, 'Table');
    assert.equal(table.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(table.metadata, { resourceVersion: '123', continue: 'abc', remainingItemCount: 4 });
    assert.deepEqual(table.rows[0]?.cells.slice(0, 5), ['p1', '0/1', 'Pending', '0', '5m']);
  });

  test('carries PartialObjectMetadata per row by default (includeObject=Metadata)', () => {
    const table = printTable('pods', [pod], { now: NOW, includeObject: 'Metadata' });
    assert.deepEqual(table.rows[0]?.object, {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: pod.metadata,
    });
    assert.deepEqual(table.metadata, {});
  });

  test('carries the whole object with includeObject=Object', () => {
    const table = printTable('pods', [pod], { now: NOW, includeObject: 'Object' });
    assert.deepEqual(table.rows[0]?.object, pod);
  });

  test('omits the row object with includeObject=None', () => {
    const table = printTable('pods', [pod], { now: NOW, includeObject: 'None' });
    assert.equal('object' in (table.rows[0] ?? {}), false);
  });

  test('prints one row per object, in order, and keeps the columns for an empty list', () => {
    const second = { ...pod, metadata: { ...pod.metadata, name: 'p2' } };
    const table = printTable('pods', [pod, second], { now: NOW, includeObject: 'None' });
    assert.deepEqual(
      table.rows.map((r) => r.cells[0]),
      ['p1', 'p2'],
    );
    const empty = printTable('pods', [], { now: NOW, includeObject: 'None' });
    assert.equal(empty.rows.length, 0);
    assert.equal(empty.columnDefinitions.length, 9);
  });

  test('serialises to the JSON shape kubectl reads', () => {
    const json = JSON.parse(
      JSON.stringify(printTable('configmaps', [], { now: NOW, includeObject: 'Metadata' })),
    );
    assert.deepEqual(json.columnDefinitions[0], {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace.',
      priority: 0,
    });
  });
});

describe('the default table convertor', () => {
  test('prints Name and Created At for a resource without its own printer', () => {
    const deployment = { metadata: { name: 'web', creationTimestamp: '2024-04-30T10:00:00.000Z' } };
    const table = printTable('deployments.apps', [deployment], { now: NOW, includeObject: 'None' });
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.type, c.format]),
      [
        ['Name', 'string', 'name'],
        ['Created At', 'date', ''],
      ],
    );
    assert.deepEqual(table.rows[0]?.cells, ['web', '2024-04-30T10:00:00Z']);
  });

  test('prints Go zero time for an object without creationTimestamp', () => {
    const table = printTable('widgets.example.com', [{ metadata: { name: 'w' } }], {
      now: NOW,
      includeObject: 'None',
    });
    assert.deepEqual(table.rows[0]?.cells, ['w', '0001-01-01T00:00:00Z']);
  });

  test('hasPrinter tells the printed resources from the default ones', () => {
    assert.equal(hasPrinter('pods'), true);
    assert.equal(hasPrinter('leases.coordination.k8s.io'), true);
    assert.equal(hasPrinter('deployments.apps'), false);
  });
});
