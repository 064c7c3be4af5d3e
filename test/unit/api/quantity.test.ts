import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  formatQuantity,
  parseQuantity,
  parseQuantityValue,
  QUANTITY_FORMAT_MESSAGE,
  QuantityError,
  quantityToBytes,
  quantityToMilli,
  quantityToNanos,
  type Quantity,
  type QuantityFormat,
} from '../../../src/api/quantity.js';

const INT64_MAX = 2n ** 63n - 1n;

/** The exact value in nano-units, without the saturation of quantityToNanos. */
function exactNanos(q: Quantity): bigint {
  if (q.unscaled === 0n) return 0n;
  return q.unscaled * 10n ** BigInt(q.exponent + 9);
}

/** The value in nano-units and the format kube's ParseQuantity gives (vectors from apimachinery quantity_test.go). */
const parsed: [string, bigint, QuantityFormat][] = [
  ['0', 0n, 'DecimalSI'],
  ['0Ki', 0n, 'BinarySI'],
  ['1', 1_000_000_000n, 'DecimalSI'],
  ['1Ki', 1024n * 10n ** 9n, 'BinarySI'],
  ['7Mi', 7n * 2n ** 20n * 10n ** 9n, 'BinarySI'],
  ['3Ei', 3n * 2n ** 60n * 10n ** 9n, 'BinarySI'],
  ['5n', 5n, 'DecimalSI'],
  ['4u', 4000n, 'DecimalSI'],
  ['3m', 3_000_000n, 'DecimalSI'],
  ['50k', 50_000n * 10n ** 9n, 'DecimalSI'],
  ['12E', 12n * 10n ** 27n, 'DecimalSI'],
  ['1E-3', 1_000_000n, 'DecimalExponent'],
  ['1.3E+6', 1_300_000n * 10n ** 9n, 'DecimalExponent'],
  ['0.5e-1', 50_000_000n, 'DecimalExponent'],
  ['100.035k', 100_035n * 10n ** 9n, 'DecimalSI'],
  ['7.123456M', 7_123_456n * 10n ** 9n, 'DecimalSI'],
  ['0.0005k', 500_000_000n, 'DecimalSI'],
  ['3.001n', 4n, 'DecimalSI'],
  ['1.1E-9', 2n, 'DecimalExponent'],
  ['0.0000000001', 1n, 'DecimalSI'],
  ['0.00000012345', 124n, 'DecimalSI'],
  ['9Ei', INT64_MAX * 10n ** 9n, 'BinarySI'],
  ['9223372036854775807Ki', INT64_MAX * 10n ** 9n, 'BinarySI'],
  ['100.035Ki', 102_435_840_000_000n, 'BinarySI'],
  ['0.5Mi', 524_288n * 10n ** 9n, 'BinarySI'],
  ['0.000000000001Ki', 2n, 'DecimalSI'],
  ['.001', 1_000_000n, 'DecimalSI'],
  ['1.', 1_000_000_000n, 'DecimalSI'],
  ['1.G', 10n ** 18n, 'DecimalSI'],
  ['-1.5', -1_500_000_000n, 'DecimalSI'],
  ['+2', 2_000_000_000n, 'DecimalSI'],
];

describe('parseQuantity', () => {
  for (const [input, nanos, format] of parsed) {
    test(`reads ${JSON.stringify(input)} as ${nanos} nano-units in ${format}`, () => {
      const q = parseQuantity(input);
      assert.equal(exactNanos(q), nanos);
      assert.equal(q.format, format);
    });
  }

  test('rejects malformed text with the message kube gives', () => {
    for (const input of ['', '1.1.M', '1+1.0M', 'aoeu', '0.1am', ' 1', '1 ', '1e5e', '1KiB']) {
      assert.throws(
        () => parseQuantity(input),
        (e: unknown) =>
          e instanceof QuantityError && e.message === QUANTITY_FORMAT_MESSAGE && e.input === input,
        input,
      );
    }
  });

  test('rejects an unknown suffix with ErrSuffix', () => {
    for (const input of ['0.1mi', '.5i', '1i', '-3.01i', '1e', '-3.01e-', '1e99999999999999999999']) {
      assert.throws(() => parseQuantity(input), {
        name: 'QuantityError',
        message: "unable to parse quantity's suffix",
      });
    }
  });

  test('rejects a suffix with no digits where kube needs the numeric part', () => {
    assert.throws(() => parseQuantity('Pi'), { message: 'unable to parse numeric part of quantity' });
    assert.throws(() => parseQuantity('.e-10'), { message: 'unable to parse numeric part of quantity' });
  });

  test('accepts what kube accepts although the error message regexp would not: a bare sign or suffix is zero', () => {
    for (const input of ['+', '-', '.', 'Ki', 'm', '1.e3'])
      assert.doesNotThrow(() => parseQuantity(input), input);
    assert.equal(exactNanos(parseQuantity('Ki')), 0n);
  });

  test('wraps a decimal exponent to 32 bits as the int32 conversion does', () => {
    assert.equal(quantityToBytes(parseQuantity('1e4294967299')), 1000n);
  });

  test('decodes a JSON number like its text', () => {
    assert.equal(quantityToMilli(parseQuantityValue(0.5)), 500n);
    assert.equal(quantityToNanos(parseQuantityValue(2.5e-7)), 250n);
  });
});

describe('formatQuantity', () => {
  const canonical: [string, string][] = [
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['1.5', '1500m'],
    ['1.5Gi', '1536Mi'],
    ['0.001T', '1G'],
    ['1080000000n', '1080m'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['.001e12', '1e9'],
    ['5000m', '5'],
    ['1025Ki', '1025Ki'],
    ['0.5Mi', '512Ki'],
    ['1.5Ki', '1536'],
    ['0.5Ki', '512'],
    ['00', '0'],
    ['-1024Mi', '-1Gi'],
    ['-.001Ki', '-1024m'],
    ['1000E', '1e21'],
  ];
  for (const [input, expected] of canonical) {
    test(`writes ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () => {
      assert.equal(formatQuantity(parseQuantity(input)), expected);
    });
  }

  test('keeps the text of an input kube considers canonical already, sign and all', () => {
    for (const input of ['1Ki', '+1Ki', '100m', '1.500', '01', '1e3', '-5']) {
      assert.equal(formatQuantity(parseQuantity(input)), input);
    }
  });
});

describe('conversions', () => {
  test('quantityToBytes rounds up as Value does', () => {
    assert.equal(quantityToBytes(parseQuantity('100m')), 1n);
    assert.equal(quantityToBytes(parseQuantity('1.5Ki')), 1536n);
    assert.equal(quantityToBytes(parseQuantity('1.0001')), 2n);
    assert.equal(quantityToBytes(parseQuantity('64Mi')), 67_108_864n);
  });

  test('quantityToMilli rounds up as MilliValue does', () => {
    assert.equal(quantityToMilli(parseQuantity('1')), 1000n);
    assert.equal(quantityToMilli(parseQuantity('250m')), 250n);
    assert.equal(quantityToMilli(parseQuantity('1n')), 1n);
    assert.equal(quantityToMilli(parseQuantity('0.5e-3')), 1n);
  });

  test('values past 2^53 stay exact', () => {
    assert.equal(quantityToBytes(parseQuantity('8Ei')), INT64_MAX);
    assert.equal(quantityToBytes(parseQuantity('9007199254740993')), 9_007_199_254_740_993n);
    assert.equal(quantityToMilli(parseQuantity('9007199254740.993')), 9_007_199_254_740_993n);
  });

  test('values beyond int64 saturate instead of overflowing, however large the exponent', () => {
    assert.equal(quantityToNanos(parseQuantity('12E')), INT64_MAX * 10n ** 9n);
    assert.equal(quantityToBytes(parseQuantity('1e2000000000')), INT64_MAX);
    assert.equal(quantityToMilli(parseQuantity('1e16')), INT64_MAX);
    assert.equal(quantityToBytes(parseQuantity('-1e30')), -INT64_MAX);
  });
});

// An independent model of the value: the exact rational, rounded away from zero to a nano-unit.
const decimalUnits: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binaryUnits: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

function modelNanos(sign: string, int: string, frac: string, suffix: string): bigint {
  const digits = BigInt(int + frac || '0');
  let numerator = digits * 10n ** 9n;
  let denominator = 10n ** BigInt(frac.length);
  const binary = binaryUnits[suffix];
  if (binary !== undefined) numerator *= 2n ** BigInt(binary);
  const decimal = suffix.startsWith('e') ? Number(suffix.slice(1)) : (decimalUnits[suffix] ?? 0);
  if (decimal >= 0) numerator *= 10n ** BigInt(decimal);
  else denominator *= 10n ** BigInt(-decimal);
  let nanos = (numerator + denominator - 1n) / denominator;
  if (binary !== undefined && nanos > INT64_MAX * 10n ** 9n) nanos = INT64_MAX * 10n ** 9n;
  return sign === '-' ? -nanos : nanos;
}

const quantityParts = fc.record({
  sign: fc.constantFrom('', '+', '-'),
  int: fc.stringMatching(/^[0-9]{0,22}$/),
  frac: fc.stringMatching(/^[0-9]{0,12}$/),
  suffix: fc.oneof(
    fc.constantFrom(...Object.keys(decimalUnits), ...Object.keys(binaryUnits)),
    fc.integer({ min: -30, max: 30 }).map((e) => `e${e}`),
  ),
});

describe('properties', () => {
  test('every well-formed quantity parses to its exact value rounded up to a nano-unit', () => {
    fc.assert(
      fc.property(quantityParts, ({ sign, int, frac, suffix }) => {
        fc.pre(int.length + frac.length > 0);
        const text = `${sign}${int}${frac === '' ? '' : `.${frac}`}${suffix}`;
        assert.equal(exactNanos(parseQuantity(text)), modelNanos(sign, int, frac, suffix), text);
      }),
      { numRuns: 2000 },
    );
  });

  test('the formatted form parses back to the same value and formats to itself', () => {
    fc.assert(
      fc.property(quantityParts, ({ sign, int, frac, suffix }) => {
        fc.pre(int.length + frac.length > 0);
        const q = parseQuantity(`${sign}${int}.${frac}${suffix}`);
        const text = formatQuantity(q);
        const again = parseQuantity(text);
        assert.equal(exactNanos(again), exactNanos(q), text);
        assert.equal(formatQuantity(again), text);
      }),
      { numRuns: 2000 },
    );
  });

  test('a canonical form never has a fraction, a leading zero or a plus sign', () => {
    fc.assert(
      fc.property(quantityParts, ({ sign, int, frac, suffix }) => {
        fc.pre(int.length + frac.length > 0);
        const { unscaled, exponent, format } = parseQuantity(`${sign}${int}.${frac}${suffix}`);
        const text = formatQuantity({ unscaled, exponent, format });
        assert.match(text, /^(0|-?[1-9][0-9]*([numkMGTPE]|[KMGTPE]i|e-?[0-9]+)?)$/, text);
      }),
      { numRuns: 2000 },
    );
  });
});
