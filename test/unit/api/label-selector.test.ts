import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatLabelSelector,
  labelSelectorFromMeta,
  LabelSelectorError,
  matchLabelSelector,
  parseLabelSelector,
  type LabelRequirement,
  type LabelSelector,
} from '../../../src/api/label-selector.js';

const matches = (selector: string, labels: Record<string, string>) =>
  matchLabelSelector(parseLabelSelector(selector), labels);

describe('parseLabelSelector', () => {
  test('reads every operator into requirements sorted by key', () => {
    const selector = parseLabelSelector('z=1,y==2,x!=3,w in (b,a,a),v notin (c),u,!t,s>4,r<5');
    assert.deepEqual(selector.requirements, [
      { key: 'r', operator: 'lt', values: ['5'] },
      { key: 's', operator: 'gt', values: ['4'] },
      { key: 't', operator: '!', values: [] },
      { key: 'u', operator: 'exists', values: [] },
      { key: 'v', operator: 'notin', values: ['c'] },
      { key: 'w', operator: 'in', values: ['a', 'b'] },
      { key: 'x', operator: '!=', values: ['3'] },
      { key: 'y', operator: '==', values: ['2'] },
      { key: 'z', operator: '=', values: ['1'] },
    ]);
  });

  test('accepts whitespace between tokens and an empty selector', () => {
    assert.deepEqual(parseLabelSelector('  a = b ,  c  in ( d , e ) ').requirements, [
      { key: 'a', operator: '=', values: ['b'] },
      { key: 'c', operator: 'in', values: ['d', 'e'] },
    ]);
    assert.deepEqual(parseLabelSelector('').requirements, []);
    assert.deepEqual(parseLabelSelector('   ').requirements, []);
  });

  test('reads empty values where upstream does', () => {
    assert.deepEqual(parseLabelSelector('a=').requirements[0]?.values, ['']);
    assert.deepEqual(parseLabelSelector('a in ()').requirements[0]?.values, ['']);
    assert.deepEqual(parseLabelSelector('a in (,x)').requirements[0]?.values, ['', 'x']);
    assert.deepEqual(parseLabelSelector('a in (x,)').requirements[0]?.values, ['', 'x']);
  });

  test('the keywords in and notin may be label keys and values', () => {
    assert.ok(matches('in in (notin)', { in: 'notin' }));
    assert.ok(matches('notin=in', { notin: 'in' }));
  });

  test('accepts prefixed keys', () => {
    assert.ok(matches('app.kubernetes.io/name=web', { 'app.kubernetes.io/name': 'web' }));
  });

  const errors: [string, string][] = [
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a==(', "unable to parse requirement: found '(', expected: identifier"],
    ['!!a', "unable to parse requirement: found '!', expected: identifier"],
    [
      'a>b',
      "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
  ];
  for (const [selector, message] of errors) {
    test(`refuses ${JSON.stringify(selector)} with kube's message`, () => {
      assert.throws(
        () => parseLabelSelector(selector),
        (e: unknown) => {
          assert.ok(e instanceof LabelSelectorError);
          assert.equal(e.message, message);
          return true;
        },
      );
    });
  }

  test('refuses an invalid key with the nil field path upstream prints', () => {
    assert.throws(() => parseLabelSelector('-a=b'), {
      message:
        /^unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric characters/,
    });
  });

  test('refuses an invalid value under values[i][key]', () => {
    assert.throws(() => parseLabelSelector('app=-web'), {
      message:
        /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "-web": a valid label must be an empty string/,
    });
    assert.throws(() => parseLabelSelector(`a=${'x'.repeat(64)}`), /must be no more than 63 characters/);
  });
});

describe('matchLabelSelector', () => {
  const labels = { app: 'web', tier: 'front', replicas: '3' };
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['missing in (x)', false],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['app', true],
    ['missing', false],
    ['!app', false],
    ['!missing', true],
    ['replicas>2', true],
    ['replicas<3', false],
    ['app>1', false],
    ['app=web,tier=back', false],
    ['app=web,tier=front', true],
    ['', true],
  ];
  for (const [selector, expected] of cases) {
    test(`${JSON.stringify(selector)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(labels)}`, () => {
      assert.equal(matches(selector, labels), expected);
    });
  }

  test('an empty value matches an empty label but not a missing one', () => {
    assert.ok(matches('a=', { a: '' }));
    assert.ok(!matches('a=', {}));
  });

  test('a label named like an Object.prototype member is not taken as present', () => {
    assert.ok(!matches('constructor', {}));
    assert.ok(matches('!toString', {}));
  });
});

describe('labelSelectorFromMeta', () => {
  test('converts matchLabels and matchExpressions into one selector', () => {
    const selector = labelSelectorFromMeta({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists' },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
      ],
    });
    assert.equal(formatLabelSelector(selector), 'app=web,!canary,env notin (dev),tier in (edge,front),zone');
    assert.ok(matchLabelSelector(selector, { app: 'web', tier: 'edge', zone: 'a', env: 'prod' }));
    assert.ok(!matchLabelSelector(selector, { app: 'web', tier: 'edge', zone: 'a', canary: 'y' }));
  });

  test('an absent selector matches nothing and an empty one everything', () => {
    assert.ok(!matchLabelSelector(labelSelectorFromMeta(undefined), {}));
    assert.ok(matchLabelSelector(labelSelectorFromMeta({}), { any: 'thing' }));
  });

  test('refuses an unknown operator and an In without values like upstream', () => {
    assert.throws(() => labelSelectorFromMeta({ matchExpressions: [{ key: 'a', operator: 'Gt' }] }), {
      message: '"Gt" is not a valid label selector operator',
    });
    assert.throws(() => labelSelectorFromMeta({ matchExpressions: [{ key: 'a', operator: 'In' }] }), {
      message: "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    });
    assert.throws(
      () => labelSelectorFromMeta({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
      { message: 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist' },
    );
  });
});

describe('formatLabelSelector', () => {
  const key = fc
    .tuple(
      fc.option(fc.constantFrom('example.com', 'app.kubernetes.io'), { nil: undefined }),
      fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/),
    )
    .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name));
  const value = fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?)?$/);
  const requirement: fc.Arbitrary<LabelRequirement> = fc.oneof(
    fc.record({
      key,
      operator: fc.constantFrom('=' as const, '==' as const, '!=' as const),
      values: fc.tuple(value),
    }),
    fc.record({
      key,
      operator: fc.constantFrom('in' as const, 'notin' as const),
      values: fc.uniqueArray(value, { minLength: 1, maxLength: 4 }).map((v) => [...v].sort()),
    }),
    fc.record({ key, operator: fc.constantFrom('exists' as const, '!' as const), values: fc.constant([]) }),
    fc.record({
      key,
      operator: fc.constantFrom('gt' as const, 'lt' as const),
      values: fc.tuple(fc.nat().map(String)),
    }),
  );

  test('parsing a formatted selector gives the same selector back', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 5 }), (requirements) => {
        const sorted = requirements
          .map((r) => ({ ...r }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        const selector: LabelSelector = { requirements: sorted };
        assert.deepEqual(parseLabelSelector(formatLabelSelector(selector)), selector);
      }),
    );
  });

  test('a parsed selector and its formatted form match the same labels', () => {
    const labelSets = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('', '1', 'x', '10'));
    const selectors = fc.constantFrom(
      'a',
      '!b',
      'a=x',
      'b!=1',
      'c in (1,x)',
      'a notin (,x)',
      'c>5',
      'a,b=10',
    );
    fc.assert(
      fc.property(selectors, labelSets, (text, labels) => {
        const parsed = parseLabelSelector(text);
        assert.equal(
          matchLabelSelector(parseLabelSelector(formatLabelSelector(parsed)), labels),
          matchLabelSelector(parsed, labels),
        );
      }),
    );
  });
});
