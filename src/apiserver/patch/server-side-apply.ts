// Server-side apply and field ownership (metadata.managedFields), following sigs.k8s.io/structured-merge-diff
// merge/update.go (Apply: conflicts, force, prune; Update: the writer takes what it changed) and apimachinery
// managedfields/internal (stripmeta.go: the metadata fields nobody owns; conflict.go: the conflict wording).
import type { ManagedFieldsEntry } from 'kubernetes-types/meta/v1.js';
import { listTableFor, type ListTable } from '../../api/list-types.js';
import type { KubeObject } from '../../api/object.js';
import { kubeTime } from '../../api/time.js';
import { ApplyConflictError, type ConflictCause } from './errors.js';
import { FieldSet, formatPath, type FieldPath } from './field-path.js';
import { changedFieldSet, objectFieldSet, rootPosition } from './field-walk.js';
import { cloneJson, deepEqual, isJsonObject, type JsonObject } from './json-value.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  managerIdentity,
  type ManagerFields,
} from './managed-fields.js';
import { mergeApplied, prunePaths } from './ssa-merge.js';

/** Kinds with a status subresource: writes to the main resource neither change nor own `status`. */
const kindsWithStatus = new Set([
  'Pod',
  'Node',
  'Namespace',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'Service',
]);

// stripmeta.go: set by the server or identifying the object, never owned.
const unownedMetadata = [
  'name',
  'namespace',
  'creationTimestamp',
  'selfLink',
  'uid',
  'clusterName',
  'generation',
  'managedFields',
  'resourceVersion',
];

interface Scope {
  table: ListTable;
  kind: string | undefined;
  subresource: string | undefined;
}

/**
 * Applies `applied` for `manager`: the merged object with managedFields updated. Throws ApplyConflictError when
 * the apply would change a field another manager owns, unless `force` moves those fields to `manager`. Applying
 * the same configuration again returns the live object unchanged (same managedFields times).
 */
export function apply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  force: boolean,
  now: Date,
): KubeObject {
  const scope = scopeOf(applied.kind ?? live?.kind, undefined);
  const liveObject = withoutManagedFields(live ?? {});
  const config = withoutResetFields(withoutManagedFields(applied), scope);
  const appliedSet = objectFieldSet(ownedView(config, scope), scope.table);
  const merged = mergeApplied(liveObject, config, rootPosition(scope.table)) as JsonObject;
  const changed = changedFieldSet(ownedView(liveObject, scope), ownedView(merged, scope), scope.table);

  const managers = decodeManagedFields(live?.metadata?.managedFields);
  if (live !== undefined && managers.size === 0)
    adoptUntracked(managers, live, ownedView(liveObject, scope), scope);
  const before = snapshot(managers);
  const id = managerIdentity({ manager, operation: 'Apply', apiVersion: '' });
  takeOwnership(managers, id, changed, force);

  const previous = managers.get(id);
  // A dropped field stays while anyone, the applier included, still owns it or something below it.
  const keep = otherFields(managers, id).union(appliedSet);
  if (previous !== undefined)
    prunePaths(merged, previous.fields.difference(appliedSet), keep, rootPosition(scope.table));

  const objectChanged = !deepEqual(merged, liveObject);
  const entry: ManagerFields = {
    manager,
    operation: 'Apply',
    apiVersion: applied.apiVersion ?? live?.apiVersion ?? 'v1',
    fields: appliedSet,
    time:
      objectChanged || previous?.time === undefined || !previous.fields.equals(appliedSet)
        ? kubeTime(now)
        : previous.time,
  };
  managers.set(id, entry);
  if (live !== undefined && !objectChanged && sameOwnership(before, managers)) return cloneJson(live);
  return withManagedFields(merged, encodeManagedFields(managers.values()));
}

/**
 * Records field ownership for an ordinary write (create, update, patch) by `manager`: it owns what it changed,
 * others lose what it changed or removed. A client that sent different managedFields replaces them (an empty
 * list clears them), as the API server allows.
 */
export function trackUpdate(
  live: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  operation: 'Update',
  now: Date,
  subresource?: string,
): KubeObject {
  const scope = scopeOf(updated.kind ?? live?.kind, subresource);
  const before = ownedView(withoutManagedFields(live ?? {}), scope);
  const after = ownedView(withoutManagedFields(updated), scope);
  const changed = changedFieldSet(before, after, scope.table);
  const removed = objectFieldSet(before, scope.table).difference(objectFieldSet(after, scope.table));

  const managers = decodeManagedFields(startingManagedFields(live, updated));
  const apiVersion = updated.apiVersion ?? live?.apiVersion ?? 'v1';
  const identity = { manager, operation, apiVersion, ...(subresource !== undefined ? { subresource } : {}) };
  const id = managerIdentity(identity);
  for (const [key, m] of managers) {
    m.fields = m.fields.difference(removed);
    if (key !== id) m.fields = m.fields.difference(changed);
  }
  if (changed.size > 0) {
    const own = managers.get(id)?.fields ?? new FieldSet();
    managers.set(id, { ...identity, time: kubeTime(now), fields: own.union(changed) });
  }
  return withManagedFields(withoutManagedFields(updated), encodeManagedFields(managers.values()));
}

/**
 * An object written before anyone tracked its fields: upstream's skipnonapplied.go gives every existing field to
 * `before-first-apply` so the first apply still sees conflicts instead of silently taking them.
 */
function adoptUntracked(
  managers: Map<string, ManagerFields>,
  live: KubeObject,
  view: JsonObject,
  scope: Scope,
): void {
  const fields = objectFieldSet(view, scope.table);
  const entry: ManagerFields = {
    manager: 'before-first-apply',
    operation: 'Update',
    apiVersion: live.apiVersion ?? 'v1',
    fields,
  };
  managers.set(managerIdentity(entry), entry);
}

function scopeOf(kind: string | undefined, subresource: string | undefined): Scope {
  return { table: listTableFor(kind), kind, subresource };
}

/** What an apply to the main resource may set: status is reset to the live one (the strategies' ResetFields). */
function withoutResetFields(object: JsonObject, scope: Scope): JsonObject {
  if (scope.kind === undefined || !kindsWithStatus.has(scope.kind)) return object;
  const copy = { ...object };
  delete copy['status'];
  return copy;
}

/** The part of an object field ownership covers in this scope (main resource or status subresource). */
function ownedView(object: JsonObject, scope: Scope): JsonObject {
  if (scope.subresource === 'status')
    return object['status'] === undefined ? {} : { status: object['status'] };
  const view: JsonObject = { ...object };
  delete view['apiVersion'];
  delete view['kind'];
  if (scope.kind !== undefined && kindsWithStatus.has(scope.kind)) delete view['status'];
  const metadata = object['metadata'];
  if (isJsonObject(metadata)) {
    const owned = { ...metadata };
    for (const field of unownedMetadata) delete owned[field];
    if (Object.keys(owned).length > 0) view['metadata'] = owned;
    else delete view['metadata'];
  }
  return view;
}

function withoutManagedFields(object: KubeObject): JsonObject {
  const copy = cloneJson(object) as JsonObject;
  const metadata = copy['metadata'];
  if (isJsonObject(metadata)) delete metadata['managedFields'];
  return copy;
}

function withManagedFields(object: JsonObject, entries: ManagedFieldsEntry[]): KubeObject {
  const result = object as KubeObject;
  const metadata = { ...(result.metadata ?? {}) };
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  result.metadata = metadata;
  return result;
}

function startingManagedFields(
  live: KubeObject | undefined,
  updated: KubeObject,
): ManagedFieldsEntry[] | undefined {
  const sent = updated.metadata?.managedFields;
  if (sent === undefined || deepEqual(sent, live?.metadata?.managedFields))
    return live?.metadata?.managedFields;
  return sent;
}

/** Conflicts are the changed fields other managers own; with force the applier takes them over. */
function takeOwnership(
  managers: Map<string, ManagerFields>,
  id: string,
  changed: FieldSet,
  force: boolean,
): void {
  const conflicts: { owner: ManagerFields; path: FieldPath }[] = [];
  for (const [key, m] of managers) {
    if (key === id) continue;
    for (const path of m.fields.intersection(changed).paths()) conflicts.push({ owner: m, path });
  }
  if (conflicts.length === 0) return;
  if (!force) throw conflictError(conflicts);
  for (const [key, m] of managers) if (key !== id) m.fields = m.fields.difference(changed);
}

function otherFields(managers: Map<string, ManagerFields>, id: string): FieldSet {
  let all = new FieldSet();
  for (const [key, m] of managers) if (key !== id) all = all.union(m.fields);
  return all;
}

function snapshot(managers: Map<string, ManagerFields>): Map<string, FieldSet> {
  return new Map([...managers].map(([key, m]) => [key, m.fields]));
}

function sameOwnership(before: Map<string, FieldSet>, after: Map<string, ManagerFields>): boolean {
  const nonEmpty = [...after].filter(([, m]) => m.fields.size > 0);
  return (
    nonEmpty.length === [...before.values()].filter((s) => s.size > 0).length &&
    nonEmpty.every(([key, m]) => before.get(key)?.equals(m.fields) === true)
  );
}

/** printManager in conflict.go: `"name"`, plus `with subresource "x"`, plus `using v1` for Update managers. */
function printManager(m: ManagerFields): string {
  let text = JSON.stringify(m.manager);
  if (m.subresource !== undefined) text += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${text} using ${m.apiVersion}` : text;
}

function conflictError(conflicts: { owner: ManagerFields; path: FieldPath }[]): ApplyConflictError {
  const sorted = conflicts
    .map((c) => ({ who: printManager(c.owner), field: formatPath(c.path) }))
    .sort((a, b) => (a.who === b.who ? compare(a.field, b.field) : compare(a.who, b.who)));
  const causes: ConflictCause[] = sorted.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${c.who}`,
    field: c.field,
  }));
  const [only] = sorted;
  if (sorted.length === 1 && only !== undefined) {
    return new ApplyConflictError(
      `Apply failed with 1 conflict: conflict with ${only.who}: ${only.field}`,
      causes,
    );
  }
  const lines: string[] = [];
  for (const who of [...new Set(sorted.map((c) => c.who))]) {
    lines.push(`conflicts with ${who}:`, ...sorted.filter((c) => c.who === who).map((c) => `- ${c.field}`));
  }
  return new ApplyConflictError(`Apply failed with ${sorted.length} conflicts: ${lines.join('\n')}`, causes);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
