// JSON Pointer (RFC 6901) as JSON patch uses it: parsing with the ~0/~1 escapes, and the container a pointer's
// last token lives in.
import { PatchError } from './errors.js';
import { isJsonObject, type JsonValue } from './json-value.js';

/** Where a pointer's last token lives: the object or array holding it, and the token. */
export interface PointerSlot {
  container: JsonValue[] | { [key: string]: JsonValue };
  token: string;
}

/** The reference tokens of a pointer; `""` (the whole document) has none. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new PatchError(
      `invalid JSON pointer ${JSON.stringify(pointer)}: must be empty or start with "/"`,
      422,
    );
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) {
        throw new PatchError(
          `invalid JSON pointer ${JSON.stringify(pointer)}: "~" must be followed by 0 or 1`,
          422,
        );
      }
      return token.replaceAll('~1', '/').replaceAll('~0', '~');
    });
}

/** The value a pointer names, or undefined when the document has nothing there. */
export function resolvePointer(doc: JsonValue, tokens: readonly string[]): JsonValue | undefined {
  let current: JsonValue | undefined = doc;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const index = arrayIndex(token, current.length - 1);
      current = index === undefined ? undefined : current[index];
    } else if (isJsonObject(current)) {
      current = Object.hasOwn(current, token) ? current[token] : undefined;
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** The container of the pointer's last token, or undefined when the parent path does not exist. */
export function parentSlot(doc: JsonValue, tokens: readonly string[]): PointerSlot | undefined {
  const parent = resolvePointer(doc, tokens.slice(0, -1));
  const token = tokens[tokens.length - 1];
  if (token === undefined) return undefined;
  if (Array.isArray(parent) || isJsonObject(parent)) return { container: parent, token };
  return undefined;
}

/** A decimal array index without leading zeros, at most `max`; undefined otherwise. */
export function arrayIndex(token: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  return index <= max ? index : undefined;
}
