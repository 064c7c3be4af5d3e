// metadata.managedFields decoded into one FieldSet per manager identity and encoded back, following
// apimachinery managedfields/internal/managedfields.go: an Apply entry is identified by manager (and
// subresource), an Update entry also by apiVersion; entries are sorted by operation, time, manager, apiVersion,
// subresource.
import type { ManagedFieldsEntry } from 'kubernetes-types/meta/v1.js';
import { ManagedFieldsError } from './errors.js';
import { FieldSet } from './field-path.js';
import { decodeFieldsV1, encodeFieldsV1 } from './fields-v1.js';

export type Operation = 'Apply' | 'Update';

/** One manager's ownership record. */
export interface ManagerFields {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  fields: FieldSet;
}

/** The identity two entries share when they are the same manager (BuildManagerIdentifier). */
export function managerIdentity(
  m: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): string {
  return JSON.stringify([
    m.manager,
    m.operation,
    m.operation === 'Apply' ? '' : m.apiVersion,
    m.subresource ?? '',
  ]);
}

export function decodeManagedFields(
  entries: readonly ManagedFieldsEntry[] | undefined,
): Map<string, ManagerFields> {
  const managers = new Map<string, ManagerFields>();
  for (const [i, entry] of (entries ?? []).entries()) {
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      throw new ManagedFieldsError(`managed fields entry ${i}: operation must be \`Apply\` or \`Update\``);
    }
    if (!entry.apiVersion)
      throw new ManagedFieldsError(`managed fields entry ${i}: apiVersion must not be empty`);
    if (entry.fieldsType !== 'FieldsV1') {
      throw new ManagedFieldsError(
        `invalid fieldsType ${JSON.stringify(entry.fieldsType ?? '')} in managed fields entry ${i}`,
      );
    }
    const decoded: ManagerFields = {
      manager: entry.manager ?? '',
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      fields: decodeFieldsV1(entry.fieldsV1 ?? {}),
    };
    if (entry.subresource) decoded.subresource = entry.subresource;
    if (entry.time) decoded.time = entry.time;
    managers.set(managerIdentity(decoded), decoded);
  }
  return managers;
}

export function encodeManagedFields(managers: Iterable<ManagerFields>): ManagedFieldsEntry[] {
  return [...managers]
    .filter((m) => m.fields.size > 0)
    .sort(compareEntries)
    .map((m) => {
      const entry: ManagedFieldsEntry = {
        manager: m.manager,
        operation: m.operation,
        apiVersion: m.apiVersion,
        ...(m.time !== undefined ? { time: m.time } : {}),
        fieldsType: 'FieldsV1',
        fieldsV1: encodeFieldsV1(m.fields),
      };
      if (m.subresource !== undefined) entry.subresource = m.subresource;
      return entry;
    });
}

function compareEntries(p: ManagerFields, q: ManagerFields): number {
  const seconds = (m: ManagerFields): number =>
    m.time === undefined ? 0 : Math.floor(Date.parse(m.time) / 1000);
  return (
    compareStrings(p.operation, q.operation) ||
    seconds(p) - seconds(q) ||
    compareStrings(p.manager, q.manager) ||
    compareStrings(p.apiVersion, q.apiVersion) ||
    compareStrings(p.subresource ?? '', q.subresource ?? '')
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
