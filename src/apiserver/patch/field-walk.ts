// Which fields an object sets, and which fields changed between two objects, as structured-merge-diff's
// typed.ToFieldSet and typed.Compare see them with podlet's list types: maps (objects) are granular, scalars,
// atomic lists and empty objects are leaves, items of map- and set-type lists are members of their own.
import { listStrategy, type ListStrategy, type ListTable } from '../../api/list-types.js';
import { FieldSet, fieldElement, keyElement, valueElement, type FieldPath } from './field-path.js';
import { deepEqual, getMember, isJsonObject, type JsonObject, type JsonValue } from './json-value.js';

/** Where a walk is: the table of list types, the ListPath for lookups and the field path built so far. */
export interface WalkPosition {
  table: ListTable;
  schemaPath: string;
  path: FieldPath;
}

export function fieldPosition(at: WalkPosition, field: string): WalkPosition {
  return {
    table: at.table,
    schemaPath: at.schemaPath === '' ? field : `${at.schemaPath}.${field}`,
    path: [...at.path, fieldElement(field)],
  };
}

export function listTypeAt(at: WalkPosition): ListStrategy['listType'] {
  return listStrategy(at.table, at.schemaPath)?.listType ?? 'atomic';
}

/** The `k:` element of a map-list item: its key fields, with the defaults the API server would fill in. */
export function itemKeyElement(item: JsonValue, at: WalkPosition): string {
  const strategy = listStrategy(at.table, at.schemaPath);
  const key: Record<string, JsonValue> = {};
  for (const name of strategy?.listMapKeys ?? []) {
    const value = isJsonObject(item) ? item[name] : undefined;
    const fallback = strategy?.keyDefaults?.[name];
    if (value !== undefined) key[name] = value;
    else if (fallback !== undefined) key[name] = fallback;
  }
  return keyElement(key);
}

export function itemPosition(at: WalkPosition, element: string): WalkPosition {
  return { table: at.table, schemaPath: `${at.schemaPath}[]`, path: [...at.path, element] };
}

/** Every field `value` sets, below `at`. */
export function addFieldSet(value: JsonValue, at: WalkPosition, out: FieldSet): void {
  if (isJsonObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) out.add(at.path);
    for (const [field, child] of entries) addFieldSet(child, fieldPosition(at, field), out);
    return;
  }
  if (!Array.isArray(value) || value.length === 0) {
    out.add(at.path);
    return;
  }
  const listType = listTypeAt(at);
  if (listType === 'atomic') out.add(at.path);
  else if (listType === 'set') for (const item of value) out.add([...at.path, valueElement(item)]);
  else for (const item of value) addItemFields(item, itemPosition(at, itemKeyElement(item, at)), out);
}

function addItemFields(item: JsonValue, at: WalkPosition, out: FieldSet): void {
  out.add(at.path);
  if (!isJsonObject(item)) return;
  for (const [field, child] of Object.entries(item)) addFieldSet(child, fieldPosition(at, field), out);
}

/** The fields of `after` that are new or hold a different value than in `before` (Compare's Added + Modified). */
export function addChangedFields(
  before: JsonValue | undefined,
  after: JsonValue,
  at: WalkPosition,
  out: FieldSet,
): void {
  if (before !== undefined && deepEqual(before, after)) return;
  if (isJsonObject(after) && isJsonObject(before) && Object.keys(after).length > 0) {
    for (const [field, child] of Object.entries(after)) {
      addChangedFields(getMember(before, field), child, fieldPosition(at, field), out);
    }
    return;
  }
  const listType = Array.isArray(after) && after.length > 0 ? listTypeAt(at) : 'atomic';
  if (!Array.isArray(before) || listType === 'atomic') {
    addFieldSet(after, at, out);
    return;
  }
  const afterList = after as JsonValue[];
  if (listType === 'set') {
    for (const item of afterList)
      if (!before.some((old) => deepEqual(old, item))) out.add([...at.path, valueElement(item)]);
    return;
  }
  const oldItems = itemsByKey(before, at);
  for (const item of afterList) {
    const element = itemKeyElement(item, at);
    const old = oldItems.get(element);
    const position = itemPosition(at, element);
    if (old === undefined) addItemFields(item, position, out);
    else addChangedItem(old, item, position, out);
  }
}

function addChangedItem(old: JsonValue, item: JsonValue, at: WalkPosition, out: FieldSet): void {
  if (!isJsonObject(old) || !isJsonObject(item)) {
    if (!deepEqual(old, item)) out.add(at.path);
    return;
  }
  for (const [field, child] of Object.entries(item))
    addChangedFields(getMember(old, field), child, fieldPosition(at, field), out);
}

function itemsByKey(list: readonly JsonValue[], at: WalkPosition): Map<string, JsonValue> {
  return new Map(list.map((item) => [itemKeyElement(item, at), item]));
}

/** The top-level position of an object of a kind. */
export function rootPosition(table: ListTable): WalkPosition {
  return { table, schemaPath: '', path: [] };
}

/** Every field an object sets. */
export function objectFieldSet(object: JsonObject, table: ListTable): FieldSet {
  const out = new FieldSet();
  for (const [field, child] of Object.entries(object))
    addFieldSet(child, fieldPosition(rootPosition(table), field), out);
  return out;
}

/** The fields that are new or changed from `before` to `after`, walking from the top of the object. */
export function changedFieldSet(before: JsonObject, after: JsonObject, table: ListTable): FieldSet {
  const out = new FieldSet();
  for (const [field, child] of Object.entries(after)) {
    addChangedFields(getMember(before, field), child, fieldPosition(rootPosition(table), field), out);
  }
  return out;
}
