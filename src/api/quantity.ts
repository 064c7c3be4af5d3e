// Kubernetes resource quantities, following k8s.io/apimachinery/pkg/api/resource: quantity.go (ParseQuantity,
// parseQuantityString, CanonicalizeBytes, String), suffix.go, amount.go and math.go. Values are exact (a bigint
// mantissa and a power-of-ten exponent), never floats, so sums and comparisons match kube's fixed-point arithmetic.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export interface Quantity {
  /** The value is `unscaled × 10^exponent`; parsing already rounded it away from zero to a whole nano-unit. */
  readonly unscaled: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
  /** The input text, which kube keeps as the quantity's String() when the parse was already canonical. */
  readonly text?: string;
}

export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const NUMERIC_MESSAGE = 'unable to parse numeric part of quantity';
const SUFFIX_MESSAGE = "unable to parse quantity's suffix";

/** ParseQuantity's error: ErrFormatWrong, ErrNumeric or ErrSuffix, with kube's exact message. */
export class QuantityError extends Error {
  override name = 'QuantityError';
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
  }
}

interface Unit {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

interface Scanned {
  negative: boolean;
  /** Integer digits without leading zeros ("0" when there are none), as parseQuantityString returns them. */
  num: string;
  denom: string;
  hasDigits: boolean;
  suffix: string;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const NANO = -9;
/** The largest magnitude, in nano-units, that podlet's conversions keep exact (an int64 of whole units). */
const NANOS_LIMIT = INT64_MAX * 10n ** 9n;
/** Decimal digits of NANOS_LIMIT: a mantissa with more digits than this after scaling saturates. */
const NANOS_LIMIT_DIGITS = NANOS_LIMIT.toString().length;

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
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binarySuffixByPower = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

// parseQuantityString scans greedily: sign, digits, an optional fraction, suffix letters, then an optional signed
// number; anything left over is ErrFormatWrong. Each part here is greedy too, so the split is the same.
const QUANTITY_SCAN = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** ParseQuantity: the text of a resource quantity ("500m", "1.5Gi", "1e3") as an exact value. */
export function parseQuantity(input: string): Quantity {
  if (input === '') throw new QuantityError(QUANTITY_FORMAT_MESSAGE, input);
  if (input === '0') return { unscaled: 0n, exponent: 0, format: 'DecimalSI', text: input };
  const scanned = scanQuantity(input);
  const unit = interpretSuffix(scanned.suffix);
  if (unit === undefined) throw new QuantityError(SUFFIX_MESSAGE, input);
  const quantity = unit.base === 10 ? parseDecimal(input, scanned, unit) : parseBinary(input, scanned, unit);
  if (quantity === undefined) throw new QuantityError(NUMERIC_MESSAGE, input);
  return quantity;
}

/** A ResourceList value: JSON numbers decode like the same text (Quantity.UnmarshalJSON gets the raw bytes). */
export function parseQuantityValue(value: string | number): Quantity {
  return parseQuantity(typeof value === 'number' ? String(value) : value);
}

function scanQuantity(input: string): Scanned {
  const match = QUANTITY_SCAN.exec(input);
  if (match === null) throw new QuantityError(QUANTITY_FORMAT_MESSAGE, input);
  const [, sign = '', digits = '', denom = '', suffix = ''] = match;
  return {
    negative: sign === '-',
    num: digits.replace(/^0+/, '') || '0',
    denom,
    hasDigits: digits.length + denom.length > 0,
    suffix,
  };
}

function interpretSuffix(suffix: string): Unit | undefined {
  const decimal = decimalSuffixes[suffix];
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = binarySuffixes[suffix];
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  // strconv.ParseInt(s[1:], 10, 64), then a conversion to int32 that wraps.
  if (suffix.length < 2 || (suffix[0] !== 'e' && suffix[0] !== 'E')) return undefined;
  const digits = suffix.slice(1);
  if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
  const exponent = BigInt(digits);
  if (exponent > INT64_MAX || exponent < INT64_MIN) return undefined;
  return { base: 10, exponent: Number(BigInt.asIntN(32, exponent)), format: 'DecimalExponent' };
}

function parseDecimal(input: string, s: Scanned, unit: Unit): Quantity | undefined {
  const shifted = s.num + s.denom;
  const scale = (unit.exponent - s.denom.length) | 0;
  const mantissa = signed(BigInt(shifted), s.negative);
  // The int64 fast path: no rounding is needed, and a canonical-looking input is kept as the String() form.
  if (18 - shifted.length >= 0 && scale >= NANO) {
    const canonical = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
    return withText(
      { unscaled: mantissa, exponent: scale, format: unit.format },
      canonical ? input : undefined,
    );
  }
  if (!s.hasDigits) return undefined;
  return roundToNano(mantissa, scale, unit.format);
}

function parseBinary(input: string, s: Scanned, unit: Unit): Quantity | undefined {
  const precision = 15 - s.num.length - Math.trunc((unit.exponent * 3) / 10) - 1;
  if (s.denom === '' && precision >= 0) {
    const value = BigInt(s.num);
    const result = value << BigInt(unit.exponent);
    if (result <= INT64_MAX) {
      const canonical = (value & 7n) !== 0n;
      const q: Quantity = { unscaled: signed(result, s.negative), exponent: 0, format: unit.format };
      return withText(q, canonical ? input : undefined);
    }
  }
  if (!s.hasDigits) return undefined;
  const mantissa = signed(BigInt(s.num + s.denom) << BigInt(unit.exponent), s.negative);
  const rounded = roundToNano(mantissa, -s.denom.length, unit.format);
  const magnitude = abs(rounded.unscaled);
  // Parsing caps a binary quantity at 2^63-1, and one that rounds to (0, 1) is shown in decimal.
  if (magnitude > INT64_MAX * 10n ** BigInt(-rounded.exponent)) {
    return { unscaled: signed(INT64_MAX, s.negative), exponent: 0, format: 'BinarySI' };
  }
  const belowOne = magnitude !== 0n && magnitude < 10n ** BigInt(-rounded.exponent);
  return belowOne ? { ...rounded, format: 'DecimalSI' } : rounded;
}

/** inf.Dec Round(Nano, RoundUp): a non-zero value finer than a nano-unit rounds away from zero. */
function roundToNano(unscaled: bigint, exponent: number, format: QuantityFormat): Quantity {
  if (exponent >= NANO || unscaled === 0n) return { unscaled, exponent, format };
  const shift = NANO - exponent;
  const magnitude = abs(unscaled);
  const rounded = shift > magnitude.toString().length ? 1n : ceilDiv(magnitude, 10n ** BigInt(shift));
  return { unscaled: signed(rounded, unscaled < 0n), exponent: NANO, format };
}

/** Quantity.String(): the kept input text, else the canonical form ("1.5" -> "1500m", "1536Mi" -> "1536Mi"). */
export function formatQuantity(q: Quantity): string {
  if (q.text !== undefined) return q.text;
  if (q.unscaled === 0n) return '0';
  if (q.format === 'BinarySI') {
    const binary = formatBinary(q);
    if (binary !== undefined) return binary;
    return formatDecimal(q.unscaled, q.exponent, 'DecimalSI');
  }
  return formatDecimal(q.unscaled, q.exponent, q.format);
}

// CanonicalizeBytes: a binary quantity in (-1024, 1024), or one with a fraction, is written in decimal instead.
function formatBinary(q: Quantity): string | undefined {
  if (q.exponent < 0) {
    const divisor = 10n ** BigInt(-q.exponent);
    if (q.unscaled % divisor !== 0n) return undefined;
    return formatBinaryInteger(q.unscaled / divisor);
  }
  return formatBinaryInteger(q.unscaled * 10n ** BigInt(q.exponent));
}

function formatBinaryInteger(value: bigint): string | undefined {
  if (value > -1024n && value < 1024n) return undefined;
  let mantissa = value;
  let power = 0;
  while (mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    power += 1;
  }
  return `${mantissa}${binarySuffixByPower[power] ?? ''}`;
}

// AsCanonicalBytes: drop factors of ten, then lower the exponent to a multiple of three.
function formatDecimal(unscaled: bigint, exponent: number, format: QuantityFormat): string {
  let mantissa = unscaled;
  let e = exponent;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    e += 1;
  }
  while (e % 3 !== 0) {
    mantissa *= 10n;
    e -= 1;
  }
  const suffix = format === 'DecimalSI' ? decimalSuffixByExponent.get(e) : e === 0 ? '' : undefined;
  return `${mantissa}${suffix ?? `e${e}`}`;
}

/**
 * The value in nano-units (10^-9), exact because parsing rounds to nano. Beyond an int64 of whole units, where kube's
 * int64 accessors overflow, the result saturates at ±(2^63-1)·10^9 instead.
 */
export function quantityToNanos(q: Quantity): bigint {
  const shift = q.exponent - NANO;
  if (q.unscaled === 0n) return 0n;
  if (shift < 0) return signed(ceilDiv(abs(q.unscaled), 10n ** BigInt(-shift)), q.unscaled < 0n);
  if (abs(q.unscaled).toString().length + shift > NANOS_LIMIT_DIGITS)
    return signed(NANOS_LIMIT, q.unscaled < 0n);
  return clamp(q.unscaled * 10n ** BigInt(shift), -NANOS_LIMIT, NANOS_LIMIT);
}

/** MilliValue: ceil(q × 1000), rounding away from zero, saturated to int64. */
export function quantityToMilli(q: Quantity): bigint {
  return nanosToMilli(quantityToNanos(q));
}

/** Value: the whole units rounded away from zero ("1.5Ki" -> 1536, "100m" -> 1), saturated to int64. */
export function quantityToBytes(q: Quantity): bigint {
  return nanosToUnits(quantityToNanos(q));
}

/** MilliValue of an amount in nano-units (a sum of quantities, as kube adds Quantities before converting). */
export function nanosToMilli(nanos: bigint): bigint {
  return clamp(signed(ceilDiv(abs(nanos), 10n ** 6n), nanos < 0n), INT64_MIN, INT64_MAX);
}

/** Value of an amount in nano-units. */
export function nanosToUnits(nanos: bigint): bigint {
  return clamp(signed(ceilDiv(abs(nanos), 10n ** 9n), nanos < 0n), INT64_MIN, INT64_MAX);
}

function withText(q: Quantity, text: string | undefined): Quantity {
  return text === undefined ? q : { ...q, text };
}

function signed(magnitude: bigint, negative: boolean): bigint {
  return negative ? -magnitude : magnitude;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function ceilDiv(n: bigint, d: bigint): bigint {
  return (n + d - 1n) / d;
}

function clamp(n: bigint, min: bigint, max: bigint): bigint {
  return n < min ? min : n > max ? max : n;
}
