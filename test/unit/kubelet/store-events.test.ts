import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { StoreEventRecorder } from '../../../src/kubelet/store-events.js';
import { silentLogger } from '../../../src/util/log.js';
import { openTempStore } from '../store/temp-store.js';

const temp = openTempStore();
after(() => temp.dispose());

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u-1' } };

function events(): Event[] {
  return temp.store.list('events', 'default').items as unknown as Event[];
}

describe('kubelet events in the store', () => {
  let clock = Date.parse('2025-01-01T00:00:00Z');
  const recorder = new StoreEventRecorder(temp.store, 'node', silentLogger, () => new Date(clock));

  test('a repeat is counted on the first event, written at most every 10 s', () => {
    const backOff = { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting' } as const;
    recorder.record(pod, backOff);
    clock += 1000;
    recorder.record(pod, backOff);
    assert.equal(events().find((e) => e.reason === 'BackOff')?.count, 1);
    clock += 10_000;
    recorder.record(pod, backOff);
    const [event] = events().filter((e) => e.reason === 'BackOff');
    assert.equal(event?.count, 3);
    assert.equal(event?.lastTimestamp, '2025-01-01T00:00:11Z');
  });

  test('ten different messages of one reason, and later ones fold into a combined event', () => {
    for (let i = 0; i < 12; i++) {
      clock += 11_000;
      recorder.record(pod, { type: 'Warning', reason: 'Unhealthy', message: `probe failed ${i}` });
    }
    const unhealthy = events().filter((e) => e.reason === 'Unhealthy');
    assert.equal(unhealthy.filter((e) => !e.message?.startsWith('(combined')).length, 9);
    const combined = unhealthy.filter((e) => e.message?.startsWith('(combined from similar events): '));
    assert.equal(combined.length, 1);
    assert.equal(combined[0]?.message, '(combined from similar events): probe failed 11');
    assert.equal(combined[0]?.count, 3);
  });
});
