// What pod decoding and validation ask of a quantity: "does it parse" and "how big is it". The parsing itself is
// src/api/quantity.ts (apimachinery's ParseQuantity); this module only adapts it to JSON values.
import { parseQuantityValue, QUANTITY_FORMAT_MESSAGE, quantityToNanos, QuantityError } from './quantity.js';

/** ParseQuantity's error for a JSON value (string or number), or undefined when it parses. */
export function quantityFormatError(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return QUANTITY_FORMAT_MESSAGE;
  try {
    parseQuantityValue(value);
    return undefined;
  } catch (e) {
    if (e instanceof QuantityError) return e.message;
    throw e;
  }
}

/** The quantity's value as a float, good for comparisons such as requests <= limits; NaN when it does not parse. */
export function quantityValue(value: string | number): number {
  try {
    return Number(quantityToNanos(parseQuantityValue(value))) / 1e9;
  } catch (e) {
    if (e instanceof QuantityError) return Number.NaN;
    throw e;
  }
}
