// The order of a list a strategic merge patch merged: patch items in patch (or $setElementOrder) order, items
// only the server had slotted back in where the live order puts them. Follows normalizeElementOrder and
// mergeSortedSlice in apimachinery util/strategicpatch/patch.go.
import { isJsonObject, type JsonValue } from './json-value.js';

/** The identity of a list item: its merge key value for lists of maps, the item itself for scalars. */
export function itemIdentity(item: JsonValue, mergeKey: string | undefined): JsonValue | undefined {
  if (mergeKey === undefined) return item;
  return isJsonObject(item) ? item[mergeKey] : undefined;
}

function indexIn(list: readonly JsonValue[], item: JsonValue, mergeKey: string | undefined): number {
  const id = itemIdentity(item, mergeKey);
  return list.findIndex((candidate) => itemIdentity(candidate, mergeKey) === id);
}

/** Splits `merged` into the items `by` names and the rest, keeping order. */
export function partitionByPresence(
  merged: readonly JsonValue[],
  by: readonly JsonValue[],
  mergeKey: string | undefined,
): { present: JsonValue[]; absent: JsonValue[] } {
  const present: JsonValue[] = [];
  const absent: JsonValue[] = [];
  for (const item of merged) (indexIn(by, item, mergeKey) >= 0 ? present : absent).push(item);
  return { present, absent };
}

function sortByOrder(
  items: JsonValue[],
  order: readonly JsonValue[],
  mergeKey: string | undefined,
): JsonValue[] {
  const rank = (item: JsonValue): number => {
    const i = indexIn(order, item, mergeKey);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items
    .map((item, i) => ({ item, i, r: rank(item) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map(({ item }) => item);
}

/** patchItems ordered by patchOrder, interleaved with serverOnly items ordered by serverOrder. */
export function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string | undefined,
): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey);
  const result: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const l = left[i];
    const r = right[j];
    if (l === undefined) result.push(right[j++] as JsonValue);
    else if (r === undefined) result.push(left[i++] as JsonValue);
    else {
      const li = indexIn(serverOrder, l, mergeKey);
      const ri = indexIn(serverOrder, r, mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) result.push(left[i++] as JsonValue);
      else result.push(right[j++] as JsonValue);
    }
  }
  return result;
}
