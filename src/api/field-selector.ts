// Field selectors as k8s.io/apimachinery/pkg/fields/selector.go parses them: `a=b`, `a==b`, `a!=b`, comma = AND,
// `\`, `,` and `=` escaped with a backslash in values. Which fields exist is the API server's business: the
// getter answers undefined for a field the kind does not support, and matching then fails with kube's message.

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** AND of the requirements; empty matches everything. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

/** A selector that cannot be parsed, or names a field the kind cannot select on (both a 400 upstream). */
export class FieldSelectorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FieldSelectorError';
  }
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** fields.ParseSelector. Terms are sorted as upstream sorts them, so the first bad term reported is the same. */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(text).sort()) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (split === undefined)
      throw new FieldSelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    const value = unescapeValue(split.rhs);
    requirements.push({ field: split.lhs, operator: split.op === '!=' ? '!=' : '=', value });
  }
  return { requirements };
}

/**
 * Whether an object's fields satisfy every requirement. getField answers undefined for a field the kind does
 * not support, which is kube's `field label not supported` error (pkg/registry/.../strategy.go *ToSelectableFields).
 */
export function matchFieldSelector(
  selector: FieldSelector,
  getField: (field: string) => string | undefined,
): boolean {
  return selector.requirements.every((r) => {
    const actual = getField(r.field);
    if (actual === undefined) throw unsupportedFieldError(r.field);
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}

export function unsupportedFieldError(field: string): FieldSelectorError {
  return new FieldSelectorError(`field label not supported: ${field}`);
}

/** The selector's canonical string (fields.Selector.String()); parsing it gives the same selector back. */
export function formatFieldSelector(selector: FieldSelector): string {
  return selector.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}

/** fields.EscapeValue: what a client does to put an arbitrary value into a selector. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

// A comma ends a term unless a backslash escapes it; the backslash stays for unescapeValue to remove.
function splitTerms(text: string): string[] {
  if (text === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

// Upstream splits at the first position where any operator starts, escapes or not.
function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeValue(s: string): string {
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=')
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. as its code point.
      throw new FieldSelectorError(
        `invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`,
      );
    } else {
      out += c;
    }
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}
