import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  escapeFieldValue,
  FieldSelectorError,
  formatFieldSelector,
  matchFieldSelector,
  parseFieldSelector,
  type FieldSelector,
} from '../../../src/api/field-selector.js';

const pod: Record<string, string> = {
  'metadata.name': 'web-1',
  'metadata.namespace': 'default',
  'status.phase': 'Running',
  'spec.nodeName': '',
};
const getField = (field: string) => pod[field];
const matches = (selector: string) => matchFieldSelector(parseFieldSelector(selector), getField);

describe('parseFieldSelector', () => {
  test('reads =, == and != terms joined by commas, sorted as upstream sorts them', () => {
    assert.deepEqual(
      parseFieldSelector('status.phase!=Failed,metadata.name==web-1,spec.nodeName=').requirements,
      [
        { field: 'metadata.name', operator: '=', value: 'web-1' },
        { field: 'spec.nodeName', operator: '=', value: '' },
        { field: 'status.phase', operator: '!=', value: 'Failed' },
      ],
    );
  });

  test('skips empty terms and reads an empty selector as everything', () => {
    assert.deepEqual(parseFieldSelector('').requirements, []);
    assert.deepEqual(parseFieldSelector(',a=b,').requirements, [{ field: 'a', operator: '=', value: 'b' }]);
  });

  test('unescapes backslash, comma and equals in values', () => {
    assert.deepEqual(parseFieldSelector('a=x\\,y\\=z\\\\').requirements, [
      { field: 'a', operator: '=', value: 'x,y=z\\' },
    ]);
  });

  const errors: [string, string][] = [
    ['status.phase', "invalid selector: 'status.phase'; can't understand 'status.phase'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
  ];
  for (const [selector, message] of errors) {
    test(`refuses ${JSON.stringify(selector)} with kube's message`, () => {
      assert.throws(
        () => parseFieldSelector(selector),
        (e: unknown) => e instanceof FieldSelectorError && e.message === message,
      );
    });
  }
});

describe('matchFieldSelector', () => {
  const cases: [string, boolean][] = [
    ['metadata.name=web-1', true],
    ['metadata.name==web-2', false],
    ['status.phase!=Running', false],
    ['status.phase!=Pending', true],
    ['spec.nodeName=', true],
    ['metadata.namespace=default,status.phase=Running', true],
    ['metadata.namespace=default,status.phase=Failed', false],
    ['', true],
  ];
  for (const [selector, expected] of cases) {
    test(`${JSON.stringify(selector)} ${expected ? 'matches' : 'does not match'} the pod`, () => {
      assert.equal(matches(selector), expected);
    });
  }

  test('a field the kind does not support is an error worded like kube', () => {
    assert.throws(() => matches('spec.restartPolicy=Always'), {
      name: 'FieldSelectorError',
      message: 'field label not supported: spec.restartPolicy',
    });
  });
});

describe('formatFieldSelector', () => {
  const field = fc.stringMatching(/^[a-z][a-zA-Z.]{0,15}$/);
  const requirement = fc.record({
    field,
    operator: fc.constantFrom('=' as const, '!=' as const),
    value: fc.string(),
  });

  test('parsing a formatted selector gives the same requirements back', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 5 }), (requirements) => {
        const selector: FieldSelector = { requirements: requirements.map((r) => ({ ...r })) };
        const parsed = parseFieldSelector(formatFieldSelector(selector));
        const order = (s: FieldSelector) => s.requirements.map((r) => JSON.stringify(r)).sort();
        assert.deepEqual(order(parsed), order(selector));
      }),
    );
  });

  test('an escaped value matches exactly that value', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (wanted, actual) => {
        const selector = parseFieldSelector(`x=${escapeFieldValue(wanted)}`);
        assert.equal(
          matchFieldSelector(selector, () => actual),
          wanted === actual,
        );
      }),
    );
  });
});
