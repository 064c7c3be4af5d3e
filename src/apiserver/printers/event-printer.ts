// `kubectl get events` columns, as eventColumnDefinitions / printEvent in pkg/printers/internalversion/printers.go.
// events.k8s.io/v1 Events are stored as core Events upstream and printed by the same function, so they are first
// mapped back to the core field names (pkg/apis/events/v1/conversion.go).
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { Event as EventsV1Event } from 'kubernetes-types/events/v1.js';
import type { KubeObject } from '../../api/object.js';
import { ageSince, parseTimestamp } from './duration.js';
import { column, type ResourcePrinter } from './types.js';

const wide = { priority: 1 };

const columns = [
  column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'Type of this event (Normal, Warning).'),
  column('Reason', 'A short, machine understandable string that gives the reason for the transition.'),
  column('Object', 'The object that this event is about.'),
  column('Subobject', 'The field of the object the event is about, such as a container.', wide),
  column('Source', 'The component reporting this event.', wide),
  column('Message', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'The time at which the event was first recorded.', wide),
  column('Count', 'The number of times this event has occurred.', wide),
  column('Name', 'Name must be unique within a namespace.', { ...wide, format: 'name' }),
];

/** Prints core/v1 and events.k8s.io/v1 Events alike; the store keeps both under one key. */
export const eventPrinter: ResourcePrinter = {
  columns,
  cells: (object, now) => eventCells(asCoreEvent(object), now),
};

function asCoreEvent(object: KubeObject): CoreEvent {
  const isEventsV1 =
    object.apiVersion === 'events.k8s.io/v1' || (!('involvedObject' in object) && 'regarding' in object);
  return isEventsV1 ? toCoreEvent(object as unknown as EventsV1Event) : (object as unknown as CoreEvent);
}

function eventCells(event: CoreEvent, now: Date): unknown[] {
  const firstSeen = ageSince(isSet(event.firstTimestamp) ? event.firstTimestamp : event.eventTime, now);
  let lastSeen = isSet(event.lastTimestamp) ? ageSince(event.lastTimestamp, now) : firstSeen;
  let count = event.count ?? 0;
  if (event.series) {
    lastSeen = ageSince(event.series.lastObservedTime, now);
    count = event.series.count ?? 0;
  } else if (count === 0) {
    // Singleton events of the new API carry no count.
    count = 1;
  }
  const involved = event.involvedObject ?? {};
  const kind = (involved.kind ?? '').toLowerCase();
  return [
    lastSeen,
    event.type ?? '',
    event.reason ?? '',
    involved.name ? `${kind}/${involved.name}` : kind,
    involved.fieldPath ?? '',
    eventSource(event),
    (event.message ?? '').trim(),
    firstSeen,
    count,
    event.metadata?.name ?? '',
  ];
}

// Source component/host, falling back to reportingController/reportingInstance; the host part only when set.
function eventSource(event: CoreEvent): string {
  const component = event.source?.component || event.reportingComponent || '';
  const instance = event.source?.host || event.reportingInstance || '';
  return instance === '' ? component : `${component}, ${instance}`;
}

function isSet(timestamp: string | undefined): boolean {
  return parseTimestamp(timestamp) !== undefined;
}

function toCoreEvent(e: EventsV1Event): CoreEvent {
  const core: CoreEvent = {
    metadata: e.metadata ?? {},
    involvedObject: e.regarding ?? {},
  };
  const copy = <K extends keyof CoreEvent>(key: K, value: CoreEvent[K] | undefined): void => {
    if (value !== undefined) core[key] = value;
  };
  copy('type', e.type);
  copy('reason', e.reason);
  copy('message', e.note);
  copy('source', e.deprecatedSource);
  copy('firstTimestamp', e.deprecatedFirstTimestamp);
  copy('lastTimestamp', e.deprecatedLastTimestamp);
  copy('count', e.deprecatedCount);
  copy('eventTime', e.eventTime);
  copy('reportingComponent', e.reportingController);
  copy('reportingInstance', e.reportingInstance);
  if (e.series) core.series = { count: e.series.count, lastObservedTime: e.series.lastObservedTime };
  return core;
}
