// The object half of server-side apply: merging an applied configuration into the live object and removing
// fields the applier gave up. Follows structured-merge-diff typed/merge.go (maps merge key by key, map- and
// set-type lists merge by item, atomic lists and scalars are replaced) and merge/update.go prune (a removed
// field goes only when no other manager owns it or anything below it).
import { valueElement, type FieldPath, type FieldSet } from './field-path.js';
import { fieldPosition, itemKeyElement, itemPosition, listTypeAt, type WalkPosition } from './field-walk.js';
import {
  cloneJson,
  getMember,
  isJsonObject,
  setMember,
  type JsonObject,
  type JsonValue,
} from './json-value.js';

/** `applied` merged into a copy of `live`. A null in the applied configuration removes the field. */
export function mergeApplied(live: JsonValue | undefined, applied: JsonValue, at: WalkPosition): JsonValue {
  if (isJsonObject(applied)) {
    const result: JsonObject = isJsonObject(live) ? cloneJson(live) : {};
    for (const [field, value] of Object.entries(applied)) {
      if (value === null) delete result[field];
      else setMember(result, field, mergeApplied(getMember(result, field), value, fieldPosition(at, field)));
    }
    return result;
  }
  if (!Array.isArray(applied) || !Array.isArray(live)) return cloneJson(applied);
  const listType = listTypeAt(at);
  if (listType === 'atomic') return cloneJson(applied);
  const element = (item: JsonValue): string =>
    listType === 'set' ? valueElement(item) : itemKeyElement(item, at);
  const lhs = live.map((item) => ({ pe: element(item), item }));
  const rhs = applied.map((item) => ({ pe: element(item), item }));
  return mergeItems(lhs, rhs, (l, r, pe) => mergeApplied(l, r, itemPosition(at, pe)));
}

interface ListItem {
  pe: string;
  item: JsonValue;
}

/**
 * typed/merge.go visitListItems: applied items come in applied order, live-only items keep their place between
 * them, and an item in both is merged.
 */
function mergeItems(
  lhs: ListItem[],
  rhs: ListItem[],
  merge: (live: JsonValue | undefined, applied: JsonValue, pe: string) => JsonValue,
): JsonValue[] {
  const lhsByPe = new Map(lhs.map(({ pe, item }) => [pe, item]));
  const rhsPes = new Set(rhs.map(({ pe }) => pe));
  const sharedOrder = rhs.filter(({ pe }) => lhsByPe.has(pe)).map(({ pe }) => pe);
  let nextShared = sharedOrder.shift();
  const merged = new Set<string>();
  const out: JsonValue[] = [];
  let l = 0;
  let r = 0;
  while (l < lhs.length || r < rhs.length) {
    const left = lhs[l];
    const right = rhs[r];
    if (left !== undefined && right !== undefined) {
      if (left.pe === right.pe) {
        merged.add(left.pe);
        out.push(merge(left.item, right.item, left.pe));
        l++;
        r++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (rhsPes.has(left.pe) && nextShared !== undefined && nextShared !== left.pe) {
        l++;
        continue;
      }
    }
    if (left !== undefined) {
      if (!rhsPes.has(left.pe)) {
        out.push(cloneJson(left.item));
        l++;
        continue;
      }
      if (merged.has(left.pe)) l++;
    }
    if (right !== undefined) {
      merged.add(right.pe);
      out.push(merge(lhsByPe.get(right.pe), right.item, right.pe));
      r++;
      if (nextShared === right.pe) nextShared = sharedOrder.shift();
    }
  }
  return out;
}

/**
 * Removes from `object` (in place) each path of `toRemove` that `keep` neither holds nor holds anything
 * below. Shallow paths go first so a removed item takes its fields with it.
 */
export function prunePaths(object: JsonObject, toRemove: FieldSet, keep: FieldSet, root: WalkPosition): void {
  const paths = toRemove.paths().sort((a, b) => a.length - b.length);
  for (const path of paths) {
    if (!keep.hasPathOrDescendant(path)) removePath(object, path, root);
  }
}

function removePath(object: JsonObject, path: FieldPath, root: WalkPosition): void {
  let parent: JsonValue | undefined = object;
  let at = root;
  for (const [i, element] of path.entries()) {
    const last = i === path.length - 1;
    if (element.startsWith('f:')) {
      if (!isJsonObject(parent)) return;
      const field = element.slice(2);
      if (last) {
        delete parent[field];
        return;
      }
      parent = getMember(parent, field);
      at = fieldPosition(at, field);
      continue;
    }
    if (!Array.isArray(parent)) return;
    const list: JsonValue[] = parent;
    const index = findItem(list, element, at);
    if (index < 0) return;
    if (last) {
      list.splice(index, 1);
      return;
    }
    parent = list[index];
    at = itemPosition(at, element);
  }
}

function findItem(list: JsonValue[], element: string, at: WalkPosition): number {
  if (element.startsWith('v:')) return list.findIndex((item) => valueElement(item) === element);
  if (element.startsWith('k:')) return list.findIndex((item) => itemKeyElement(item, at) === element);
  return -1;
}
