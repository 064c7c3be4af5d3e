import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PatchError } from '../../../../src/apiserver/patch/errors.js';
import type { JsonValue } from '../../../../src/apiserver/patch/json-value.js';
import { applyMergePatch, createMergePatch } from '../../../../src/apiserver/patch/merge-patch.js';

// Behaviour from RFC 7386 appendix A, with podlet-shaped fixtures.
const cases: { name: string; target: JsonValue; patch: JsonValue; want: JsonValue }[] = [
  { name: 'replaces a scalar', target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'adds a member', target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { name: 'deletes a member with null', target: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  {
    name: 'merges nested objects (kubectl label)',
    target: { metadata: { labels: { app: 'web' }, name: 'p' } },
    patch: { metadata: { labels: { tier: 'fe', app: null } } },
    want: { metadata: { labels: { tier: 'fe' }, name: 'p' } },
  },
  { name: 'replaces arrays whole', target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  {
    name: 'replaces a scalar by an object',
    target: { a: 'foo' },
    patch: { a: { b: 'c' } },
    want: { a: { b: 'c' } },
  },
  {
    name: 'drops nulls inside new objects',
    target: {},
    patch: { a: { bb: { ccc: null } } },
    want: { a: { bb: {} } },
  },
  { name: 'keeps a missing member missing on delete', target: { a: 1 }, patch: { b: null }, want: { a: 1 } },
];

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.array(tie('value'), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constant('__proto__')), tie('value'), {
    maxKeys: 4,
  }),
}));

describe('JSON merge patch', () => {
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(applyMergePatch(c.target, c.patch), c.want));
  }

  test('rejects a patch that is not an object with a 400', () => {
    assert.throws(
      () => applyMergePatch({}, [1]),
      (err: unknown) => err instanceof PatchError && err.code === 400,
    );
  });

  test('applying the merge patch from a to b onto a gives b', () => {
    fc.assert(
      fc.property(json.object, json.object, (a, b) => {
        // As the API server sees documents: parsed JSON (own `__proto__` members included).
        const from = JSON.parse(JSON.stringify(a)) as JsonValue;
        const to = JSON.parse(JSON.stringify(b)) as JsonValue;
        assert.deepEqual(applyMergePatch(from, createMergePatch(from, to)), to);
      }),
    );
  });
});
