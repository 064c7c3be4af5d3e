// The FieldsV1 encoding of a FieldSet (apimachinery managedfields/internal/fields.go and structured-merge-diff
// fieldpath/serialize.go): a tree of path elements where `{}` is a member leaf and `".": {}` marks a node that is
// itself a member and also has members below it.
import { ManagedFieldsError } from './errors.js';
import { FieldSet, type FieldPath } from './field-path.js';
import { isJsonObject, type JsonObject } from './json-value.js';

const self = '.';

export function encodeFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const byDepth = set.paths().sort((a, b) => a.length - b.length);
  for (const path of byDepth) {
    let node = root;
    for (const element of path) {
      const next = node[element];
      if (isJsonObject(next)) node = next;
      else {
        const created: JsonObject = {};
        node[element] = created;
        node = created;
      }
    }
  }
  markMembers(root, set, []);
  return root;
}

// A member that has children needs "." so the decoder knows the node itself is owned.
function markMembers(node: JsonObject, set: FieldSet, path: FieldPath): void {
  const children = Object.keys(node);
  if (path.length > 0 && children.length > 0 && set.has(path)) node[self] = {};
  for (const key of children) {
    const childNode = node[key];
    if (isJsonObject(childNode)) markMembers(childNode, set, [...path, key]);
  }
}

export function decodeFieldsV1(fields: unknown): FieldSet {
  const set = new FieldSet();
  if (!isJsonObject(fields)) throw new ManagedFieldsError('fieldsV1 must be a JSON object');
  collect(fields, [], set);
  return set;
}

function collect(node: JsonObject, path: FieldPath, set: FieldSet): void {
  const keys = Object.keys(node);
  if (path.length > 0 && (keys.length === 0 || Object.hasOwn(node, self))) set.add(path);
  for (const key of keys) {
    if (key === self) continue;
    if (!/^[fkvi]:/.test(key))
      throw new ManagedFieldsError(`unknown path element ${JSON.stringify(key)} in fieldsV1`);
    const childNode = node[key];
    if (!isJsonObject(childNode))
      throw new ManagedFieldsError(`fieldsV1 entry ${JSON.stringify(key)} is not an object`);
    collect(childNode, [...path, key], set);
  }
}
