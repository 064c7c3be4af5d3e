// One Event, two shapes. kube-apiserver keeps events.k8s.io/v1 Events in the core/v1 Event storage and converts
// field by field (kubernetes/kubernetes pkg/apis/events/v1/conversion.go); podlet does the same, so an event
// written through either API is read through both.
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { Event as EventsV1Event } from 'kubernetes-types/events/v1.js';

/** events.k8s.io/v1 Event as served: `eventTime` is a non-pointer MicroTime upstream, so a core event without one reads back as null. */
export type EventsEvent = Omit<EventsV1Event, 'eventTime'> & { eventTime: string | null };

/** Copies the fields both shapes name alike; `undefined` stays absent (exactOptionalPropertyTypes). */
function copyDefined<T extends object>(
  target: T,
  source: Record<string, unknown>,
  renames: [string, string][],
): T {
  const out = target as Record<string, unknown>;
  for (const [from, to] of renames) {
    const value = source[from];
    if (value !== undefined && value !== null) out[to] = value;
  }
  return target;
}

/** Fields that keep their name, then the renamed ones: [events.k8s.io/v1, core/v1]. */
const SAME = ['action', 'reason', 'related', 'type', 'series', 'reportingInstance'];
const RENAMED: [string, string][] = [
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

export function coreEventToEventsV1(event: CoreEvent): EventsEvent {
  const out: EventsEvent = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: event.metadata,
    eventTime: event.eventTime ?? null,
    regarding: event.involvedObject,
  };
  const source = event as unknown as Record<string, unknown>;
  copyDefined(
    out,
    source,
    SAME.map((f) => [f, f]),
  );
  return copyDefined(
    out,
    source,
    RENAMED.map(([v1, core]) => [core, v1]),
  );
}

export function eventsV1ToCoreEvent(event: EventsEvent | EventsV1Event): CoreEvent {
  const out: CoreEvent = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: event.metadata ?? {},
    involvedObject: event.regarding ?? {},
  };
  if (event.eventTime !== null) out.eventTime = event.eventTime;
  const source = event as unknown as Record<string, unknown>;
  copyDefined(
    out,
    source,
    SAME.map((f) => [f, f]),
  );
  return copyDefined(out, source, RENAMED);
}
