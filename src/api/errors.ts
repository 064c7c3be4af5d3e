// Field errors shaped and worded like k8s.io/apimachinery/pkg/util/validation/field (errors.go), so the API
// server can serve them as Status causes and kubectl prints the text a real cluster prints.

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  /** Path as field.Path.String() renders it: `spec.containers[0].ports[1].name`, `metadata.labels[app]`. */
  field: string;
  badValue?: unknown;
  detail?: string;
}

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTypeInvalid: 'Invalid value',
};

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, detail };
}

export function invalid(field: string, badValue: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, badValue, detail };
}

/** One Invalid error per message, the way validation.go wraps the []string the Is* checks return. */
export function invalidEach(field: string, badValue: unknown, messages: readonly string[]): FieldError[] {
  return messages.map((detail) => invalid(field, badValue, detail));
}

export function duplicate(field: string, badValue: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, badValue };
}

export function notFound(field: string, badValue: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, badValue };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

export function tooLong(field: string, maxBytes: number): FieldError {
  return {
    type: 'FieldValueTooLong',
    field,
    detail: `may not be more than ${maxBytes} ${maxBytes === 1 ? 'byte' : 'bytes'}`,
  };
}

export function typeInvalid(field: string, badValue: unknown, detail: string): FieldError {
  return { type: 'FieldValueTypeInvalid', field, badValue, detail };
}

/** field.NotSupported: the valid values are quoted in the order given (callers pass upstream's order). */
export function notSupported(field: string, badValue: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map(goQuote).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, badValue, detail };
}

/** field.Error.ErrorBody(): the message without the field name (a Status cause's `message`). */
export function fieldErrorBody(e: FieldError): string {
  const omitsValue =
    e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden' || e.type === 'FieldValueTooLong';
  let body = omitsValue ? typeText[e.type] : `${typeText[e.type]}: ${renderValue(e.badValue)}`;
  if (e.detail) body += `: ${e.detail}`;
  return body;
}

/** field.Error.Error(): `spec.containers[1].name: Duplicate value: "c"`. */
export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** apierrors.NewInvalid's Status message: `Pod "x" is invalid: e1` or `Pod "x" is invalid: [e1, e2]`. */
export function invalidMessage(kind: string, name: string, errors: readonly FieldError[]): string {
  const messages = uniqueMessages(errors);
  if (messages.length === 0) return `${kind} ${goQuote(name)} is invalid`;
  const aggregate = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  return `${kind} ${goQuote(name)} is invalid: ${aggregate}`;
}

/**
 * What kubectl prints for an Invalid Status (kubectl cmd/util checkErr): `The Pod "x" is invalid: e1`, or the
 * prefix followed by one `* e` line per cause when there are several.
 */
export function kubectlInvalidMessage(kind: string, name: string, errors: readonly FieldError[]): string {
  const prefix = `The ${kind} ${goQuote(name)} is invalid`;
  const messages = uniqueMessages(errors);
  if (messages.length === 0) return prefix;
  if (messages.length === 1) return `${prefix}: ${messages[0]}`;
  return [`${prefix}: `, ...messages.map((m) => `* ${m}`)].join('\n');
}

// ToAggregate drops repeated messages, keeping the first.
function uniqueMessages(errors: readonly FieldError[]): string[] {
  return [...new Set(errors.map(fieldErrorMessage))];
}

// Go's ErrorBody prints simple types with %v, strings with %q and anything else as JSON.
function renderValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? 'null';
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const namedEscapes: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** strconv.Quote (Go's %q): printable runes kept, the rest escaped as \a..\v, \xNN, \uNNNN or \UNNNNNNNN. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = namedEscapes[ch];
    if (named !== undefined) out += named;
    else if (printable.test(ch)) out += ch;
    else out += escapeRune(ch.codePointAt(0) ?? 0);
  }
  return `${out}"`;
}

function escapeRune(code: number): string {
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}
