// Label selectors as k8s.io/apimachinery/pkg/labels/selector.go parses and matches them: the string syntax of
// `?labelSelector=` (same tokens, same error texts, so a bad selector reaches the user as kube's 400 message)
// and metav1.LabelSelector (apis/meta/v1/helpers.go LabelSelectorAsSelector), both in one internal form.
import type { LabelSelector as MetaLabelSelector } from 'kubernetes-types/meta/v1.js';
import { fieldErrorMessage, invalid, type FieldError } from './errors.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

/** selection.Operator, with upstream's spelling (what a requirement's `operator` holds). */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and without duplicates for `in`/`notin` (upstream keeps them in a string set). */
  readonly values: readonly string[];
}

/** AND of the requirements; `nothing` is labels.Nothing() (a nil metav1.LabelSelector), which matches no object. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly nothing?: true;
}

export class LabelSelectorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabelSelectorError';
  }
}

type Token =
  'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'in' | '<' | '!=' | 'notin' | '(' | 'identifier';

interface ScannedItem {
  token: Token;
  literal: string;
}

const KEYWORD_TOKENS: ReadonlyMap<string, Token> = new Map<string, Token>(
  [')', ',', '!', '==', '=', '>', 'in', '<', '!=', 'notin', '('].map((t) => [t, t as Token]),
);
const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

/** labels.Parse: `a=b,c!=d,e in (x,y),f notin (z),g,!h,i>1`. The result is sorted by key like upstream's. */
export function parseLabelSelector(text: string): LabelSelector {
  const parser = new Parser(scan(text));
  const requirements = parser.parse();
  return { requirements: stableSortByKey(requirements) };
}

/** Whether labels satisfy every requirement (labels.Selector.Matches). */
export function matchLabelSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector.nothing) return false;
  return selector.requirements.every((r) => matchRequirement(r, labels));
}

/** The selector's canonical string (labels.Selector.String()); parsing it gives the same selector back. */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector.requirements.map(formatRequirement).join(',');
}

/** metav1.LabelSelectorAsSelector: undefined matches nothing, an empty selector matches everything. */
export function labelSelectorFromMeta(meta: MetaLabelSelector | undefined): LabelSelector {
  if (meta === undefined) return { requirements: [], nothing: true };
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(meta.matchLabels ?? {})) {
    requirements.push(newRequirement(key, '=', [value]));
  }
  for (const expression of meta.matchExpressions ?? []) {
    const operator = META_OPERATORS[expression.operator];
    if (operator === undefined)
      throw new LabelSelectorError(`"${expression.operator}" is not a valid label selector operator`);
    requirements.push(newRequirement(expression.key, operator, [...(expression.values ?? [])]));
  }
  return { requirements: stableSortByKey(requirements) };
}

const META_OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

function matchRequirement(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt':
      return matchNumeric(r, value);
  }
}

// Upstream parses both sides with strconv.ParseInt(s, 10, 64); a label that is not an integer never matches.
function matchNumeric(r: LabelRequirement, value: string | undefined): boolean {
  const label = value === undefined ? undefined : parseInt64(value);
  const bound = r.values.length === 1 ? parseInt64(r.values[0] ?? '') : undefined;
  if (label === undefined || bound === undefined) return false;
  return r.operator === 'gt' ? label > bound : label < bound;
}

function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

function formatRequirement(r: LabelRequirement): string {
  const values = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

function stableSortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  return requirements
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i))
    .map(({ r }) => r);
}

/** labels.NewRequirement: the key, value count and each value checked, every problem in one aggregate. */
function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errors: FieldError[] = [];
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) errors.push(invalid('key', key, keyErrors.join('; ')));
  const badValues = values.length === 0 && operator !== 'exists' && operator !== '!' ? null : values;
  if ((operator === 'in' || operator === 'notin') && values.length === 0)
    errors.push(invalid('values', badValues, "for 'in', 'notin' operators, values set can't be empty"));
  if ((operator === '=' || operator === '==' || operator === '!=') && values.length !== 1)
    errors.push(invalid('values', badValues, 'exact-match compatibility requires one single value'));
  if ((operator === 'exists' || operator === '!') && values.length !== 0)
    errors.push(invalid('values', values, 'values set must be empty for exists and does not exist'));
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1)
      errors.push(invalid('values', badValues, "for 'Gt', 'Lt' operators, exactly one value is required"));
    values.forEach((v, i) => {
      if (parseInt64(v) === undefined)
        errors.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
    });
  }
  values.forEach((v, i) => {
    const valueErrors = isValidLabelValue(v);
    // Upstream's path is values[i] keyed by the label key: `values[0][app]`.
    if (valueErrors.length > 0) errors.push(invalid(`values[${i}][${key}]`, v, valueErrors.join('; ')));
  });
  if (errors.length > 0) throw new LabelSelectorError(aggregate(errors));
  const unique = operator === 'in' || operator === 'notin' ? [...new Set(values)].sort() : values;
  return { key, operator, values: unique };
}

// utilerrors.NewAggregate(...).Error(): one message alone, several as `[a, b]`, repeats dropped.
function aggregate(errors: readonly FieldError[]): string {
  const messages = [...new Set(errors.map(fieldErrorMessage))];
  return messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`;
}

/** The lexer: the whole input is scanned up front, as upstream's Parser.scan does. */
function scan(text: string): ScannedItem[] {
  const items: ScannedItem[] = [];
  let pos = 0;
  // Upstream reads bytes and treats a NUL byte as the end of input.
  const at = (i: number): string => (i < text.length && text[i] !== '\0' ? (text[i] ?? '') : '');
  for (;;) {
    while (WHITESPACE.has(at(pos))) pos++;
    const ch = at(pos);
    if (ch === '') {
      items.push({ token: 'end', literal: '' });
      return items;
    }
    if (SPECIAL.has(ch)) {
      let best: ScannedItem | undefined;
      let end = pos;
      while (SPECIAL.has(at(end))) {
        const candidate = text.slice(pos, end + 1);
        const token = KEYWORD_TOKENS.get(candidate);
        if (token !== undefined) best = { token, literal: candidate };
        else if (best !== undefined) break;
        end++;
      }
      items.push(
        best ?? { token: 'error', literal: `error expected: keyword found '${text.slice(pos, end)}'` },
      );
      pos += best ? best.literal.length : end - pos;
      continue;
    }
    const start = pos;
    while (at(pos) !== '' && !SPECIAL.has(at(pos)) && !WHITESPACE.has(at(pos))) pos++;
    const literal = text.slice(start, pos);
    items.push({ token: KEYWORD_TOKENS.get(literal) ?? 'identifier', literal });
  }
}

/** The recursive-descent parser of labels/selector.go, error for error. */
class Parser {
  private position = 0;

  constructor(private readonly items: readonly ScannedItem[]) {}

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead(true);
      if (token === 'end') return requirements;
      if (token !== 'identifier' && token !== '!')
        throw new LabelSelectorError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof LabelSelectorError)
          throw new LabelSelectorError(`unable to parse requirement: ${e.message}`, { cause: e });
        throw e;
      }
      const next = this.consume(true);
      if (next.token === 'end') return requirements;
      if (next.token !== ',')
        throw new LabelSelectorError(`found '${next.literal}', expected: ',' or 'end of string'`);
      const after = this.lookahead(true);
      if (after.token !== 'identifier' && after.token !== '!')
        throw new LabelSelectorError(`found '${after.literal}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): LabelRequirement {
    let negated = false;
    let item = this.consume(true);
    if (item.token === '!') {
      negated = true;
      item = this.consume(true);
    }
    if (item.token !== 'identifier')
      throw new LabelSelectorError(`found '${item.literal}', expected: identifier`);
    const key = item.literal;
    const keyErrors = isQualifiedName(key);
    // The parser validates the key with a nil field path, which prints as `<nil>`.
    if (keyErrors.length > 0)
      throw new LabelSelectorError(fieldErrorMessage(invalid('<nil>', key, keyErrors.join('; '))));
    if (negated) return newRequirement(key, '!', []);
    const ahead = this.lookahead(true).token;
    if (ahead === 'end' || ahead === ',') return newRequirement(key, 'exists', []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, operator, values);
  }

  private parseOperator(): LabelOperator {
    const { token, literal } = this.consume(false);
    switch (token) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
        return token;
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new LabelSelectorError(`found '${literal}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.token !== '(') throw new LabelSelectorError(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead(true);
    if (token === ')') {
      this.consume(true);
      return [''];
    }
    if (token !== 'identifier' && token !== ',')
      throw new LabelSelectorError(`found '${literal}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    // Upstream reports the token seen before the list, not the one that is missing its ')'.
    if (this.consume(true).token !== ')') throw new LabelSelectorError(`found '${literal}', expected: ')'`);
    return [...new Set(values)];
  }

  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { token, literal } = this.consume(true);
      if (token === 'identifier') {
        values.push(literal);
        const next = this.lookahead(true);
        if (next.token === ')') return values;
        if (next.token !== ',') throw new LabelSelectorError(`found '${next.literal}', expected: ',' or ')'`);
      } else if (token === ',') {
        // `(,x)`, `(x,)` and `(x,,y)` each stand for an empty value too.
        if (values.length === 0) values.push('');
        const next = this.lookahead(true).token;
        if (next === ')' || next === ',') values.push('');
        if (next === ')') return values;
      } else {
        throw new LabelSelectorError(`found '${literal}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const ahead = this.lookahead(true).token;
    if (ahead === 'end' || ahead === ',') return [''];
    const { token, literal } = this.consume(true);
    if (token === 'identifier') return [literal];
    throw new LabelSelectorError(`found '${literal}', expected: identifier`);
  }

  // In the Values context the keywords `in` and `notin` are ordinary identifiers (a label may be called `in`).
  private lookahead(values: boolean): ScannedItem {
    return this.contextual(this.items[this.position], values);
  }

  private consume(values: boolean): ScannedItem {
    const item = this.items[this.position];
    if (this.position < this.items.length - 1) this.position++;
    return this.contextual(item, values);
  }

  private contextual(item: ScannedItem | undefined, values: boolean): ScannedItem {
    const found = item ?? { token: 'end', literal: '' };
    if (values && (found.token === 'in' || found.token === 'notin'))
      return { token: 'identifier', literal: found.literal };
    return found;
  }
}
