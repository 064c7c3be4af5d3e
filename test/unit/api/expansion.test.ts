import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expandVariables, lookupIn } from '../../../src/api/expansion.js';

const vars = lookupIn([
  { name: 'VAR_A', value: 'A' },
  { name: 'VAR_B', value: 'B' },
  { name: 'VAR_C', value: 'C' },
  { name: 'VAR_REF', value: '$(VAR_A)' },
  { name: 'VAR_EMPTY', value: '' },
]);

describe('expandVariables', () => {
  // Cases from third_party/forked/golang/expansion/expand_test.go.
  const cases: [string, string, string][] = [
    ['whole string', '$(VAR_A)', 'A'],
    ['repeated', '$(VAR_A)-$(VAR_A)', 'A-A'],
    ['beginning', '$(VAR_A)-1', 'A-1'],
    ['middle', '___$(VAR_B)___', '___B___'],
    ['end', '___$(VAR_C)', '___C'],
    ['compound', '$(VAR_A)_$(VAR_B)_$(VAR_C)', 'A_B_C'],
    ['escaped reference', '$$(VAR_B)_$(VAR_A)', '$(VAR_B)_A'],
    ['two escaped references', '$$(VAR_C)$$(VAR_C)', '$(VAR_C)$(VAR_C)'],
    ['value that looks like a reference is not expanded again', '$(VAR_REF)', '$(VAR_A)'],
    ['empty value', 'x$(VAR_EMPTY)y', 'xy'],
    ['unknown name kept', '$(VAR_DNE)', '$(VAR_DNE)'],
    ['empty name kept', '$()', '$()'],
    ['lone operator', '$', '$'],
    ['escaped operator', '$$', '$'],
    ['three operators', '$$$', '$$'],
    ['operator at the end', '$(VAR_A)$', 'A$'],
    ['operator before another character', '$VAR_A', '$VAR_A'],
    ['backslash is not an escape', 'foo\\$(VAR_A)bar', 'foo\\Abar'],
    ['incomplete reference', '$(VAR_A', '$(VAR_A'],
    ['incomplete reference then escaped operator', '$(VAR_A$$', '$(VAR_A$'],
    ['reference runs to the first closer', '$(VAR_A$(VAR_B)', '$(VAR_A$(VAR_B)'],
    ['escaped operators in a name are not unescaped', '$(foo$$var)', '$(foo$$var)'],
    ['newline', '\n', '\n'],
    ['operator before a multi-byte character', '$é$(VAR_A)', '$éA'],
  ];
  for (const [name, input, expected] of cases) {
    test(`expands: ${name}`, () => assert.equal(expandVariables(input, vars), expected));
  }

  test('leaves any string without an operator unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('$')),
        (s) => expandVariables(s, vars) === s,
      ),
    );
  });

  test('turns every escaped operator back into a single one when nothing is known', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '(', ')', ' ', '$$')), (parts) => {
        const input = parts.join('');
        const expected = input.replaceAll('$$', '$');
        return expandVariables(input, lookupIn()) === expected;
      }),
    );
  });
});

describe('lookupIn', () => {
  test('lets a later definition of a name override an earlier one', () => {
    const lookup = lookupIn([
      { name: 'X', value: '1' },
      { name: 'X', value: '2' },
    ]);
    assert.equal(lookup('X'), '2');
  });

  test('asks the sources in order', () => {
    const lookup = lookupIn([{ name: 'X', value: 'first' }], [{ name: 'X', value: 'second' }]);
    assert.equal(lookup('X'), 'first');
    assert.equal(lookup('Y'), undefined);
  });
});
