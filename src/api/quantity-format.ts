// The syntax check and numeric value of resource quantities that pod decoding and validation need, following
// k8s.io/apimachinery/pkg/api/resource (quantity.go parseQuantityString, suffix.go). It gives no canonical
// form: src/api/quantity.ts owns quantities; this module only answers "does it parse" and "how big is it".

const formatError =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

interface QuantityParts {
  negative: boolean;
  num: string;
  denom: string;
  suffix: string;
}

const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixes: Record<string, number> = {
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

/** ParseQuantity's error for a JSON value (string or number), or undefined when it parses. */
export function quantityFormatError(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : formatError;
  if (typeof value !== 'string') return formatError;
  const parts = splitQuantity(value.trim());
  if (parts === undefined) return formatError;
  return multiplier(parts.suffix) === undefined ? QUANTITY_SUFFIX_ERROR : undefined;
}

/** The quantity's value as a float, good for comparisons such as requests <= limits; NaN when it does not parse. */
export function quantityValue(value: string | number): number {
  if (typeof value === 'number') return value;
  const parts = splitQuantity(value.trim());
  const scale = parts === undefined ? undefined : multiplier(parts.suffix);
  if (parts === undefined || scale === undefined) return Number.NaN;
  const magnitude = Number(`${parts.num}.${parts.denom || '0'}`) * scale;
  return parts.negative ? -magnitude : magnitude;
}

function multiplier(suffix: string): number | undefined {
  const binary = binarySuffixes[suffix];
  if (binary !== undefined) return 2 ** binary;
  const decimal = decimalSuffixes[suffix];
  if (decimal !== undefined) return 10 ** decimal;
  const exponent = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  return exponent?.[1] === undefined ? undefined : 10 ** Number(exponent[1]);
}

// parseQuantityString: sign, digits, optional fraction, then suffix letters and an optional signed exponent.
function splitQuantity(str: string): QuantityParts | undefined {
  if (str.length === 0) return undefined;
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(str);
  if (match === null) return undefined;
  const [, sign = '', num = '', denom = '', suffix = ''] = match;
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) return undefined;
  return { negative: sign === '-', num: num || '0', denom, suffix };
}
