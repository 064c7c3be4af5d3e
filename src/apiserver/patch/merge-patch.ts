// JSON merge patch (RFC 7386), Content-Type application/merge-patch+json: objects merge key by key, `null`
// deletes, anything else (arrays included) replaces.
import { PatchError } from './errors.js';
import {
  cloneJson,
  deepEqual,
  getMember,
  isJsonObject,
  setMember,
  type JsonObject,
  type JsonValue,
} from './json-value.js';

/** Applies a merge patch to a copy of `target`. The API server only accepts an object as the whole patch. */
export function applyMergePatch(target: JsonValue, patch: unknown): JsonValue {
  if (!isJsonObject(patch)) throw new PatchError('Invalid JSON Patch: a merge patch must be a JSON object');
  return mergeValue(cloneJson(target), patch);
}

function mergeValue(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setMember(result, key, mergeValue(getMember(result, key), value));
  }
  return result;
}

/** The merge patch that turns `from` into `to` (what `kubectl` computes for a merge-patch edit). */
export function createMergePatch(from: JsonValue, to: JsonValue): JsonValue {
  if (!isJsonObject(from) || !isJsonObject(to)) return cloneJson(to);
  const patch: JsonObject = {};
  for (const key of Object.keys(from)) {
    if (!Object.hasOwn(to, key)) setMember(patch, key, null);
  }
  for (const [key, value] of Object.entries(to)) {
    const old = getMember(from, key);
    if (old !== undefined && deepEqual(old, value)) continue;
    setMember(
      patch,
      key,
      old !== undefined && isJsonObject(value) ? createMergePatch(old, value) : cloneJson(value),
    );
  }
  return patch;
}
