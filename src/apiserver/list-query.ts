// List and watch query parameters (metav1.ListOptions), selectors applied per object, and the continue token.
import type { StoredObject } from '../api/object.js';
import {
  FieldSelectorError,
  matchFieldSelector,
  parseFieldSelector,
  type FieldSelector,
} from '../api/field-selector.js';
import {
  LabelSelectorError,
  matchLabelSelector,
  parseLabelSelector,
  type LabelSelector,
} from '../api/label-selector.js';
import type { KindStrategy } from './kinds/types.js';
import { badRequest } from './status.js';

export interface ListQuery {
  labels: LabelSelector | undefined;
  fields: FieldSelector | undefined;
  limit: number;
  continueToken: string | undefined;
  resourceVersion: string | undefined;
  timeoutSeconds: number | undefined;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean;
}

export function parseListQuery(query: URLSearchParams): ListQuery {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  let labels: LabelSelector | undefined;
  let fields: FieldSelector | undefined;
  try {
    labels = labelText === '' ? undefined : parseLabelSelector(labelText);
    fields = fieldText === '' ? undefined : parseFieldSelector(fieldText);
  } catch (e) {
    if (e instanceof LabelSelectorError || e instanceof FieldSelectorError) throw badRequest(e.message);
    throw e;
  }
  const limit = Number(query.get('limit') ?? '0');
  const timeout = query.get('timeoutSeconds');
  return {
    labels,
    fields,
    limit: Number.isInteger(limit) && limit > 0 ? limit : 0,
    continueToken: query.get('continue') || undefined,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    timeoutSeconds: timeout === null ? undefined : Number(timeout),
    allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: query.get('sendInitialEvents') === 'true',
  };
}

/** The value of a selectable field: metadata.name and metadata.namespace for every kind, more per strategy. */
export function fieldGetter(
  strategy: KindStrategy,
  object: StoredObject,
): (field: string) => string | undefined {
  return (field) => {
    if (field === 'metadata.name') return object.metadata.name;
    if (field === 'metadata.namespace') return object.metadata.namespace ?? '';
    return strategy.fieldValue?.(object, field);
  };
}

/** Whether an object passes the query's selectors; a field the kind cannot select on is a 400. */
export function matches(query: ListQuery, strategy: KindStrategy, object: StoredObject): boolean {
  if (query.labels && !matchLabelSelector(query.labels, object.metadata.labels ?? {})) return false;
  if (!query.fields) return true;
  try {
    return matchFieldSelector(query.fields, fieldGetter(strategy, object));
  } catch (e) {
    if (e instanceof FieldSelectorError) throw badRequest(e.message);
    throw e;
  }
}

/** Checks a field selector before any object is seen, so that an empty list still reports a bad field. */
export function checkFieldSelector(query: ListQuery, strategy: KindStrategy, probe: StoredObject): void {
  if (query.fields) matches({ ...query, labels: undefined }, strategy, probe);
}
