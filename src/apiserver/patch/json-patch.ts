// JSON patch (RFC 6902), Content-Type application/json-patch+json. A malformed document is a 400, an operation
// that does not fit the object a 422 (apiserver handlers/patch.go, applyJSPatch).
import { PatchError } from './errors.js';
import { arrayIndex, parentSlot, parsePointer, resolvePointer, type PointerSlot } from './json-pointer.js';
import {
  cloneJson,
  deepEqual,
  isJsonObject,
  setMember,
  type JsonObject,
  type JsonValue,
} from './json-value.js';

export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: JsonValue;
}

/** Checks the shape of a parsed JSON patch document: an array of objects with string `op` and `path`. */
export function decodeJsonPatch(document: unknown): JsonPatchOperation[] {
  if (!Array.isArray(document)) throw new PatchError('json patch must be a JSON array of operations');
  return document.map((operation: unknown, i) => {
    if (!isJsonObject(operation)) throw new PatchError(`json patch operation ${i} is not a JSON object`);
    const { op, path, from } = operation;
    if (typeof op !== 'string') throw new PatchError(`json patch operation ${i} has no "op" string`);
    if (typeof path !== 'string')
      throw new PatchError(`json patch operation ${i} (${op}) has no "path" string`);
    if (from !== undefined && typeof from !== 'string') {
      throw new PatchError(`json patch operation ${i} (${op}) has a "from" that is not a string`);
    }
    const decoded: JsonPatchOperation = { op, path };
    if (from !== undefined) decoded.from = from;
    if (Object.hasOwn(operation, 'value')) decoded.value = operation.value as JsonValue;
    return decoded;
  });
}

/** Applies the operations in order to a copy of `doc`; the first one that fails aborts the whole patch. */
export function applyJsonPatch(doc: JsonValue, operations: readonly JsonPatchOperation[]): JsonValue {
  let result = cloneJson(doc);
  for (const operation of operations) result = applyOperation(result, operation);
  return result;
}

function applyOperation(doc: JsonValue, operation: JsonPatchOperation): JsonValue {
  const { op, path } = operation;
  switch (op) {
    case 'add':
      return add(doc, parsePointer(path), requireValue(operation), op, path);
    case 'remove':
      return remove(doc, parsePointer(path), op, path).doc;
    case 'replace': {
      const tokens = parsePointer(path);
      const value = requireValue(operation);
      if (resolvePointer(doc, tokens) === undefined) throw missing(op, path);
      return add(remove(doc, tokens, op, path).doc, tokens, value, op, path);
    }
    case 'move': {
      const from = requireFrom(operation);
      if (path !== from && path.startsWith(`${from}/`)) {
        throw new PatchError(
          `move operation does not apply: "from" ${from} is an ancestor of path ${path}`,
          422,
        );
      }
      const removed = remove(doc, parsePointer(from), op, from);
      return add(removed.doc, parsePointer(path), removed.value, op, path);
    }
    case 'copy': {
      const from = requireFrom(operation);
      const value = resolvePointer(doc, parsePointer(from));
      if (value === undefined) throw missing(op, from);
      return add(doc, parsePointer(path), cloneJson(value), op, path);
    }
    case 'test': {
      const actual = resolvePointer(doc, parsePointer(path));
      if (actual === undefined || !deepEqual(actual, requireValue(operation))) {
        throw new PatchError(`testing value ${path} failed: test failed`, 422);
      }
      return doc;
    }
    default:
      throw new PatchError(`unexpected json patch operation ${JSON.stringify(op)}`, 422);
  }
}

function add(
  doc: JsonValue,
  tokens: readonly string[],
  value: JsonValue,
  op: string,
  path: string,
): JsonValue {
  if (tokens.length === 0) return value;
  const slot = parentSlot(doc, tokens);
  if (slot === undefined) throw missing(op, path);
  if (!Array.isArray(slot.container)) {
    setMember(slot.container, slot.token, value);
    return doc;
  }
  const list = slot.container;
  const index = slot.token === '-' ? list.length : arrayIndex(slot.token, list.length);
  if (index === undefined) throw badIndex(op, path, list.length);
  list.splice(index, 0, value);
  return doc;
}

function remove(
  doc: JsonValue,
  tokens: readonly string[],
  op: string,
  path: string,
): { doc: JsonValue; value: JsonValue } {
  if (tokens.length === 0) return { doc: null, value: doc };
  const slot = parentSlot(doc, tokens);
  if (slot === undefined) throw missing(op, path);
  return { doc, value: takeFromSlot(slot, op, path) };
}

function takeFromSlot(slot: PointerSlot, op: string, path: string): JsonValue {
  if (Array.isArray(slot.container)) {
    const index = arrayIndex(slot.token, slot.container.length - 1);
    if (index === undefined) throw badIndex(op, path, slot.container.length);
    return slot.container.splice(index, 1)[0] as JsonValue;
  }
  const container: JsonObject = slot.container;
  if (!Object.hasOwn(container, slot.token)) throw missing(op, path);
  const value = container[slot.token] as JsonValue;
  delete container[slot.token];
  return value;
}

function requireValue(operation: JsonPatchOperation): JsonValue {
  if (operation.value === undefined) {
    throw new PatchError(`${operation.op} operation on ${operation.path} has no "value"`, 422);
  }
  return operation.value;
}

function requireFrom(operation: JsonPatchOperation): string {
  if (operation.from === undefined) {
    throw new PatchError(`${operation.op} operation on ${operation.path} has no "from"`, 422);
  }
  return operation.from;
}

function missing(op: string, path: string): PatchError {
  return new PatchError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}`, 422);
}

function badIndex(op: string, path: string, length: number): PatchError {
  return new PatchError(
    `${op} operation does not apply: index out of range in ${path} (array has ${length} items)`,
    422,
  );
}
