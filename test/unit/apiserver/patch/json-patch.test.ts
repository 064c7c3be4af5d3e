import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchError } from '../../../../src/apiserver/patch/errors.js';
import { applyJsonPatch, decodeJsonPatch } from '../../../../src/apiserver/patch/json-patch.js';
import type { JsonValue } from '../../../../src/apiserver/patch/json-value.js';

function patch(doc: JsonValue, ops: unknown): JsonValue {
  return applyJsonPatch(doc, decodeJsonPatch(ops));
}

// Behaviour from RFC 6902 appendix A, with podlet-shaped fixtures.
const cases: { name: string; doc: JsonValue; ops: unknown; want: JsonValue }[] = [
  {
    name: 'adds an object member',
    doc: { a: 1 },
    ops: [{ op: 'add', path: '/b', value: 2 }],
    want: { a: 1, b: 2 },
  },
  {
    name: 'inserts into an array at an index',
    doc: { l: ['a', 'c'] },
    ops: [{ op: 'add', path: '/l/1', value: 'b' }],
    want: { l: ['a', 'b', 'c'] },
  },
  {
    name: 'appends to an array with "-"',
    doc: { l: [1] },
    ops: [{ op: 'add', path: '/l/-', value: 2 }],
    want: { l: [1, 2] },
  },
  {
    name: 'removes an object member',
    doc: { a: 1, b: 2 },
    ops: [{ op: 'remove', path: '/b' }],
    want: { a: 1 },
  },
  {
    name: 'removes an array element',
    doc: { l: [1, 2, 3] },
    ops: [{ op: 'remove', path: '/l/1' }],
    want: { l: [1, 3] },
  },
  {
    name: 'replaces a value',
    doc: { spec: { image: 'a' } },
    ops: [{ op: 'replace', path: '/spec/image', value: 'b' }],
    want: { spec: { image: 'b' } },
  },
  {
    name: 'moves a value',
    doc: { a: { x: 1 }, b: {} },
    ops: [{ op: 'move', from: '/a/x', path: '/b/y' }],
    want: { a: {}, b: { y: 1 } },
  },
  {
    name: 'moves an array element',
    doc: { l: ['a', 'b', 'c', 'd'] },
    ops: [{ op: 'move', from: '/l/1', path: '/l/3' }],
    want: { l: ['a', 'c', 'd', 'b'] },
  },
  {
    name: 'copies a value deeply',
    doc: { a: { x: [1] } },
    ops: [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'add', path: '/b/x/-', value: 2 },
    ],
    want: { a: { x: [1] }, b: { x: [1, 2] } },
  },
  {
    name: 'passes a matching test',
    doc: { a: [1, { b: 'c' }] },
    ops: [{ op: 'test', path: '/a', value: [1, { b: 'c' }] }],
    want: { a: [1, { b: 'c' }] },
  },
  {
    name: 'unescapes ~1 and ~0 in pointers',
    doc: { metadata: { labels: { 'app.kubernetes.io/name': 'x', 'a~b': 'y' } } },
    ops: [
      { op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'z' },
      { op: 'remove', path: '/metadata/labels/a~0b' },
    ],
    want: { metadata: { labels: { 'app.kubernetes.io/name': 'z' } } },
  },
  {
    name: 'replaces the whole document with an empty path',
    doc: { a: 1 },
    ops: [{ op: 'replace', path: '', value: { b: 2 } }],
    want: { b: 2 },
  },
  { name: 'adds a null value', doc: {}, ops: [{ op: 'add', path: '/a', value: null }], want: { a: null } },
];

const failures: { name: string; doc: JsonValue; ops: unknown; code: number; message: RegExp }[] = [
  {
    name: 'adding under a missing parent',
    doc: {},
    ops: [{ op: 'add', path: '/a/b', value: 1 }],
    code: 422,
    message: /add operation does not apply: doc is missing path: "\/a\/b"/,
  },
  {
    name: 'removing a missing member',
    doc: {},
    ops: [{ op: 'remove', path: '/a' }],
    code: 422,
    message: /remove operation does not apply/,
  },
  {
    name: 'replacing a missing member',
    doc: {},
    ops: [{ op: 'replace', path: '/a', value: 1 }],
    code: 422,
    message: /replace operation does not apply/,
  },
  {
    name: 'an index past the end',
    doc: { l: [1] },
    ops: [{ op: 'add', path: '/l/3', value: 1 }],
    code: 422,
    message: /index out of range/,
  },
  {
    name: 'an index with a leading zero',
    doc: { l: [1, 2] },
    ops: [{ op: 'remove', path: '/l/01' }],
    code: 422,
    message: /index out of range/,
  },
  {
    name: 'a failing test',
    doc: { a: 1 },
    ops: [{ op: 'test', path: '/a', value: 2 }],
    code: 422,
    message: /testing value \/a failed: test failed/,
  },
  {
    name: 'moving into its own child',
    doc: { a: { b: {} } },
    ops: [{ op: 'move', from: '/a', path: '/a/b/c' }],
    code: 422,
    message: /ancestor/,
  },
  {
    name: 'an unknown operation',
    doc: {},
    ops: [{ op: 'frob', path: '/a' }],
    code: 422,
    message: /unexpected json patch operation "frob"/,
  },
  {
    name: 'a pointer without a leading slash',
    doc: {},
    ops: [{ op: 'add', path: 'a', value: 1 }],
    code: 422,
    message: /must be empty or start with "\/"/,
  },
  {
    name: 'a bad ~ escape',
    doc: { a: 1 },
    ops: [{ op: 'remove', path: '/a~2' }],
    code: 422,
    message: /"~" must be followed by 0 or 1/,
  },
  {
    name: 'a document that is not an array',
    doc: {},
    ops: { op: 'add' },
    code: 400,
    message: /must be a JSON array/,
  },
  {
    name: 'an operation without a path',
    doc: {},
    ops: [{ op: 'add', value: 1 }],
    code: 400,
    message: /has no "path" string/,
  },
  {
    name: 'an add without a value',
    doc: {},
    ops: [{ op: 'add', path: '/a' }],
    code: 422,
    message: /has no "value"/,
  },
];

describe('JSON patch', () => {
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(patch(c.doc, c.ops), c.want));
  }
  for (const f of failures) {
    test(`rejects ${f.name}`, () => {
      assert.throws(
        () => patch(f.doc, f.ops),
        (err: unknown) => err instanceof PatchError && err.code === f.code && f.message.test(err.message),
      );
    });
  }

  test('leaves the input document untouched, also when a later operation fails', () => {
    const doc = { a: [1] };
    assert.throws(() =>
      patch(doc, [
        { op: 'add', path: '/a/-', value: 2 },
        { op: 'test', path: '/a/0', value: 9 },
      ]),
    );
    assert.deepEqual(doc, { a: [1] });
  });
});
