// Strategic merge patch, Content-Type application/strategic-merge-patch+json: a merge patch whose lists merge by
// the key the API types declare (src/api/list-types.ts), with the directives `$patch`, `$retainKeys`,
// `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`. Behaviour follows mergeMap and mergeSlice in
// apimachinery util/strategicpatch/patch.go with MergeParallelList and IgnoreUnmatchedNulls set, as the API
// server applies it. Error codes follow interpretStrategicMergePatchError (apiserver handlers/patch.go).
import { listStrategy, listTableFor, type ListTable } from '../../api/list-types.js';
import { PatchError } from './errors.js';
import {
  cloneJson,
  getMember,
  isJsonObject,
  setMember,
  type JsonObject,
  type JsonValue,
} from './json-value.js';
import { itemIdentity, normalizeElementOrder, partitionByPresence } from './smp-order.js';

interface Schema {
  table: ListTable;
  /** The ListPath of the value being merged (`spec.containers[]`), '' at the top. */
  path: string;
}

const directive = '$patch';
const retainKeysDirective = '$retainKeys';
const setElementOrderPrefix = '$setElementOrder/';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList/';

/** Applies a strategic merge patch to a copy of `original`, with the list strategies of `kind`. */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: unknown,
  kind: string | undefined,
): JsonObject {
  if (!isJsonObject(patch)) throw new PatchError('invalid JSON document');
  const schema: Schema = { table: listTableFor(kind), path: '' };
  return mergeMap(cloneJson(original), cloneJson(patch), schema);
}

function child(schema: Schema, key: string): Schema {
  return { table: schema.table, path: schema.path === '' ? key : `${schema.path}.${key}` };
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema): JsonObject {
  if (Object.hasOwn(patch, directive)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  applySetElementOrders(original, patch, schema);
  for (const [rawKey, patchValue] of Object.entries(patch)) {
    const isDeleteList = rawKey.startsWith(deleteFromPrimitiveListPrefix);
    const key = isDeleteList ? rawKey.slice(deleteFromPrimitiveListPrefix.length) : rawKey;
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const current = getMember(original, key);
    if (current === undefined || kindOf(current) !== kindOf(patchValue)) {
      if (!isDeleteList) setStripped(original, key, patchValue);
      continue;
    }
    const sub = child(schema, key);
    if (isJsonObject(current) && isJsonObject(patchValue))
      setMember(original, key, mergeMap(current, patchValue, sub));
    else if (Array.isArray(current) && Array.isArray(patchValue)) {
      setMember(original, key, mergeListField(current, patchValue, sub, isDeleteList));
    } else setStripped(original, key, patchValue);
  }
  return original;
}

function mapDirective(patch: JsonObject): JsonObject {
  const value = patch[directive];
  if (value === 'replace') {
    delete patch[directive];
    return stripDirectives(patch) as JsonObject;
  }
  if (value === 'delete') return {};
  throw new PatchError(`unknown patch type: ${String(value)} in map: ${JSON.stringify(patch)}`, 400);
}

function kindOf(value: JsonValue): 'object' | 'array' | 'scalar' {
  if (Array.isArray(value)) return 'array';
  return isJsonObject(value) ? 'object' : 'scalar';
}

// A value the original lacks is taken from the patch without its directives and nulls (discardNullValuesFromPatch).
function setStripped(original: JsonObject, key: string, patchValue: JsonValue): void {
  const value = stripDirectives(discardNulls(patchValue));
  if (value === undefined) delete original[key];
  else setMember(original, key, value);
}

function discardNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(discardNulls);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) setMember(out, k, discardNulls(v));
  return out;
}

/** removeDirectives: drops maps carrying `$patch` and the directive keys of the others. */
function stripDirectives(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const kept = stripDirectives(item);
      return kept === undefined ? [] : [kept];
    });
  }
  if (!isJsonObject(value)) return value;
  if (Object.hasOwn(value, directive)) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === retainKeysDirective || k.startsWith(setElementOrderPrefix)) continue;
    if (k.startsWith(deleteFromPrimitiveListPrefix)) continue;
    const kept = stripDirectives(v);
    if (kept !== undefined) setMember(out, k, kept);
  }
  return out;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retain = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retain)) throw new PatchError('invalid patch format of retainKeys');
  const keep = new Set(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (
      value === null ||
      key.startsWith(deleteFromPrimitiveListPrefix) ||
      key.startsWith(setElementOrderPrefix)
    ) {
      continue;
    }
    if (!keep.has(key)) throw new PatchError('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

function applySetElementOrders(original: JsonObject, patch: JsonObject, schema: Schema): void {
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue;
    delete patch[key];
    const listKey = key.slice(setElementOrderPrefix.length);
    if (!Array.isArray(order) || listKey === '') {
      throw new PatchError('invalid patch format of setElementOrder list');
    }
    const current = getMember(original, listKey);
    const patchList = getMember(patch, listKey);
    if (current !== undefined && !Array.isArray(current)) throw typeMismatch(listKey, current);
    if (patchList !== undefined && patchList !== null && !Array.isArray(patchList)) {
      throw typeMismatch(listKey, patchList);
    }
    const sub = child(schema, listKey);
    const mergeKey = listStrategy(schema.table, sub.path)?.patchMergeKey;
    const patchItems = Array.isArray(patchList) ? patchList : undefined;
    if (patchItems !== undefined) checkSetElementOrder(patchItems, order, mergeKey);
    let merged: JsonValue[];
    if (current !== undefined && patchItems !== undefined)
      merged = mergeListField(current, patchItems, sub, false);
    else if (patchItems !== undefined)
      merged = (stripDirectives(discardNulls(patchItems)) ?? []) as JsonValue[];
    else if (current !== undefined) merged = current;
    else continue;
    const { present, absent } = partitionByPresence(merged, order, mergeKey);
    setMember(original, listKey, normalizeElementOrder(present, absent, order, current ?? [], mergeKey));
    delete patch[listKey];
  }
}

// validatePatchWithSetOrderList: the patch items (deletions aside) appear in $setElementOrder in the same order.
function checkSetElementOrder(
  patchItems: JsonValue[],
  order: JsonValue[],
  mergeKey: string | undefined,
): void {
  const items = patchItems.filter((item) => !(isJsonObject(item) && Object.hasOwn(item, directive)));
  let next = 0;
  for (const entry of order) {
    const item = items[next];
    if (item !== undefined && itemIdentity(item, mergeKey) === itemIdentity(entry, mergeKey)) next++;
  }
  if (next < items.length) {
    throw new PatchError(
      `The order in patch list:\n${JSON.stringify(patchItems)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}`,
      400,
    );
  }
}

function typeMismatch(key: string, value: JsonValue): PatchError {
  return new PatchError(`expected a list for ${key}, but received ${JSON.stringify(value)}`, 400);
}

function mergeListField(
  current: JsonValue[],
  patchList: JsonValue[],
  schema: Schema,
  isDeleteList: boolean,
): JsonValue[] {
  const strategy = listStrategy(schema.table, schema.path);
  if (strategy?.patchStrategy === undefined && !isDeleteList) {
    return (stripDirectives(patchList) ?? []) as JsonValue[];
  }
  return mergeList(
    current,
    patchList,
    { table: schema.table, path: `${schema.path}[]` },
    strategy?.patchMergeKey,
    isDeleteList,
  );
}

function mergeList(
  original: JsonValue[],
  patch: JsonValue[],
  itemSchema: Schema,
  mergeKey: string | undefined,
  isDeleteList: boolean,
): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const elementKind = listElementKind([...original, ...patch], itemSchema);
  if (elementKind === 'scalar') {
    if (isDeleteList) return original.filter((item) => !patch.includes(item));
    const merged = [...new Set([...original, ...patch])];
    const { present, absent } = partitionByPresence(merged, patch, undefined);
    return normalizeElementOrder(present, absent, patch, original, undefined);
  }
  if (mergeKey === undefined) {
    throw new PatchError(`cannot merge lists without merge key for ${itemSchema.path.slice(0, -2)}`, 400);
  }
  const special = applySpecialElements(original, patch, mergeKey);
  const merged = mergeByKey(special.original, special.patch, itemSchema, mergeKey);
  const { present, absent } = partitionByPresence(merged, special.patch, mergeKey);
  return normalizeElementOrder(present, absent, special.patch, special.original, mergeKey);
}

function listElementKind(items: JsonValue[], schema: Schema): 'scalar' | 'object' {
  let seen: 'scalar' | 'object' | undefined;
  for (const item of items) {
    if (Array.isArray(item)) throw new PatchError('lists of lists are not supported', 422);
    const kind = isJsonObject(item) ? 'object' : 'scalar';
    if (seen !== undefined && seen !== kind) {
      throw new PatchError(`mixed objects and scalars in the list ${schema.path.slice(0, -2)}`, 400);
    }
    seen = kind;
  }
  return seen ?? 'scalar';
}

// mergeSliceWithSpecialElements: `{"$patch":"delete", key: v}` removes items, `{"$patch":"replace"}` makes the
// rest of the patch list the whole list.
function applySpecialElements(original: JsonValue[], patch: JsonValue[], mergeKey: string) {
  let kept = original;
  const plain: JsonValue[] = [];
  let replace = false;
  for (const item of patch) {
    const element = item as JsonObject;
    if (!Object.hasOwn(element, directive)) {
      plain.push(item);
      continue;
    }
    const kind = element[directive];
    if (kind === 'delete') {
      if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
      kept = kept.filter((candidate) => itemIdentity(candidate, mergeKey) !== element[mergeKey]);
    } else if (kind === 'replace') replace = true;
    else if (kind === 'merge')
      throw new PatchError('merging lists cannot yet be specified in the patch', 400);
    else throw new PatchError(`unknown patch type: ${String(kind)} in map: ${JSON.stringify(element)}`, 400);
  }
  return replace ? { original: plain, patch: [] as JsonValue[] } : { original: kept, patch: plain };
}

function mergeByKey(
  original: JsonValue[],
  patch: JsonValue[],
  itemSchema: Schema,
  mergeKey: string,
): JsonValue[] {
  const merged = [...original];
  for (const item of patch) {
    const element = item as JsonObject;
    if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
    const at = merged.findIndex((candidate) => itemIdentity(candidate, mergeKey) === element[mergeKey]);
    const existing = merged[at];
    if (at >= 0 && isJsonObject(existing)) merged[at] = mergeMap(existing, element, itemSchema);
    else merged.push(stripDirectives(discardNulls(element)) ?? {});
  }
  return merged;
}

function noMergeKey(element: JsonObject, mergeKey: string): PatchError {
  return new PatchError(
    `map: ${JSON.stringify(element)} does not contain declared merge key: ${mergeKey}`,
    400,
  );
}
