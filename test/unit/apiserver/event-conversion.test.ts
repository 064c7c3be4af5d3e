import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import { coreEventToEventsV1, eventsV1ToCoreEvent } from '../../../src/apiserver/event-conversion.js';

const core: CoreEvent = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'p1.17a', namespace: 'default', resourceVersion: '7' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'p1', uid: 'u1', apiVersion: 'v1' },
  reason: 'Pulled',
  message: 'Successfully pulled image "busybox"',
  source: { component: 'kubelet', host: 'node1' },
  firstTimestamp: '2026-01-01T00:00:00Z',
  lastTimestamp: '2026-01-01T00:00:05Z',
  count: 2,
  type: 'Normal',
  eventTime: '2026-01-01T00:00:00.123456Z',
  series: { count: 2, lastObservedTime: '2026-01-01T00:00:05.000000Z' },
  action: 'Pulling',
  reportingComponent: 'kubelet',
  reportingInstance: 'node1',
};

describe('event conversion', () => {
  test('renames the core fields to their events.k8s.io/v1 names', () => {
    const v1 = coreEventToEventsV1(core);
    assert.equal(v1.apiVersion, 'events.k8s.io/v1');
    assert.equal(v1.note, core.message);
    assert.deepEqual(v1.regarding, core.involvedObject);
    assert.equal(v1.reportingController, 'kubelet');
    assert.deepEqual(v1.deprecatedSource, core.source);
    assert.equal(v1.deprecatedFirstTimestamp, core.firstTimestamp);
    assert.equal(v1.deprecatedLastTimestamp, core.lastTimestamp);
    assert.equal(v1.deprecatedCount, 2);
    assert.equal(v1.eventTime, core.eventTime);
    assert.deepEqual(v1.series, core.series);
    assert.equal('message' in v1, false);
  });

  test('a core event survives the round trip through events.k8s.io/v1 unchanged', () => {
    assert.deepEqual(eventsV1ToCoreEvent(coreEventToEventsV1(core)), core);
  });

  test('a core event without eventTime reads back with a null eventTime, as upstream serialises it', () => {
    const old: CoreEvent = { ...core };
    delete old.eventTime;
    const v1 = coreEventToEventsV1(old);
    assert.equal(v1.eventTime, null);
    assert.equal('eventTime' in eventsV1ToCoreEvent(v1), false);
  });

  test('an events.k8s.io/v1 event written by a controller is stored in core shape', () => {
    const stored = eventsV1ToCoreEvent({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      eventTime: '2026-01-01T00:00:00.000001Z',
      reportingController: 'example.com/controller',
      reportingInstance: 'c-1',
      action: 'Reconcile',
      reason: 'Synced',
      note: 'done',
      type: 'Normal',
      regarding: { kind: 'ConfigMap', name: 'cm', namespace: 'default' },
    });
    assert.deepEqual(stored, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      involvedObject: { kind: 'ConfigMap', name: 'cm', namespace: 'default' },
      eventTime: '2026-01-01T00:00:00.000001Z',
      action: 'Reconcile',
      reason: 'Synced',
      type: 'Normal',
      reportingInstance: 'c-1',
      message: 'done',
      reportingComponent: 'example.com/controller',
    });
  });
});
