import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import { ProbeManager, type ProbeTarget } from '../../../../src/kubelet/prober/probe-manager.js';
import type { ExecInContainer, ExecOutcome } from '../../../../src/kubelet/prober/types.js';
import { container, pod, RecordingEvents, waitFor } from './fixtures.js';

/** One probe second lasts 20 ms here, so periods of 1 s tick fast. */
const SECOND_MS = 20;

/** An exec whose answer per command name the test switches at will; it counts the calls. */
class ScriptedExec {
  readonly calls = new Map<string, number>();
  readonly answers = new Map<string, () => ExecOutcome>();
  readonly exec: ExecInContainer = (_id, command) => {
    const name = command[0] ?? '';
    this.calls.set(name, this.count(name) + 1);
    const answer = this.answers.get(name);
    return answer ? Promise.resolve(answer()) : Promise.reject(new Error(`no answer for ${name}`));
  };
  count(name: string): number {
    return this.calls.get(name) ?? 0;
  }
  set(name: string, exitCode: number, output = ''): void {
    this.answers.set(name, () => ({ exitCode, output, timedOut: false }));
  }
}

function execProbe(name: string, extra: Partial<Probe> = {}): Probe {
  return { exec: { command: [name] }, periodSeconds: 1, ...extra };
}

function probeTarget(c: Container, containerId = 'c1', deleting = false): ProbeTarget {
  const p = pod([c]);
  if (deleting) p.metadata = { ...p.metadata, deletionTimestamp: new Date().toISOString() };
  return { podUid: 'uid-1', pod: p, container: c, containerId, startedAt: new Date(), podIP: '127.0.0.1' };
}

let manager: ProbeManager | undefined;
afterEach(() => manager?.close());

function setup(now?: () => number): {
  exec: ScriptedExec;
  events: RecordingEvents;
  changes: string[];
  m: ProbeManager;
} {
  const exec = new ScriptedExec();
  const events = new RecordingEvents();
  const changes: string[] = [];
  const m = new ProbeManager({
    exec: exec.exec,
    events,
    onChange: (uid) => changes.push(uid),
    secondMs: SECOND_MS,
    ...(now ? { now } : {}),
  });
  manager = m;
  return { exec, events, changes, m };
}

test('a liveness probe failing failureThreshold times reports the container once and then holds', async () => {
  const { exec, events, changes, m } = setup();
  exec.set('live', 1, 'boom');
  m.update('uid-1', [probeTarget(container({ livenessProbe: execProbe('live', { failureThreshold: 3 }) }))]);
  await waitFor('a liveness failure', () => changes.length > 0);
  assert.deepEqual(m.takeFailures('uid-1'), [
    { containerName: 'app', containerId: 'c1', kind: 'liveness', message: 'boom' },
  ]);
  assert.equal(exec.count('live'), 3);
  assert.deepEqual(
    events.events.map((e) => `${e.reason} ${e.message} ${e.fieldPath}`),
    Array(3).fill('Unhealthy Liveness probe failed: boom spec.containers{app}'),
  );
  m.update('uid-1', [
    probeTarget(container({ livenessProbe: execProbe('live', { failureThreshold: 3 }) }), 'c2'),
  ]);
  await waitFor('probing the new container', () => exec.count('live') > 3);
  assert.deepEqual(m.takeFailures('uid-1'), []);
});

test('readiness starts unready, turns ready on success and unready again on failure', async () => {
  const { exec, changes, m } = setup();
  exec.set('ready', 1);
  m.update('uid-1', [
    probeTarget(container({ readinessProbe: execProbe('ready', { failureThreshold: 1 }) })),
  ]);
  assert.deepEqual([...m.readiness('uid-1')], [['app', false]]);
  await waitFor('a first readiness probe', () => exec.count('ready') > 0);
  exec.set('ready', 0);
  await waitFor('ready', () => m.readiness('uid-1').get('app') === true);
  exec.set('ready', 1);
  await waitFor('unready', () => m.readiness('uid-1').get('app') === false);
  assert.deepEqual(changes, ['uid-1', 'uid-1']);
  assert.deepEqual(m.takeFailures('uid-1'), []);
});

test('liveness and readiness wait for the startup probe to pass', async () => {
  const { exec, m } = setup();
  exec.set('start', 1);
  exec.set('live', 0);
  exec.set('ready', 0);
  const c = container({
    startupProbe: execProbe('start', { failureThreshold: 1000 }),
    livenessProbe: execProbe('live'),
    readinessProbe: execProbe('ready'),
  });
  m.update('uid-1', [probeTarget(c)]);
  await waitFor('three startup probes', () => exec.count('start') >= 3);
  assert.equal(exec.count('live') + exec.count('ready'), 0);
  assert.deepEqual([...m.started('uid-1')], [['app', false]]);
  exec.set('start', 0);
  await waitFor(
    'started and ready',
    () => m.started('uid-1').get('app') === true && m.readiness('uid-1').get('app') === true,
  );
  const startups = exec.count('start');
  await waitFor('liveness runs', () => exec.count('live') >= 2);
  assert.equal(exec.count('start'), startups, 'a passed startup probe is not run again');
});

test('an errored probe counts toward no threshold and is reported as unknown state', async () => {
  const { exec, events, m } = setup();
  let call = 0;
  exec.answers.set('live', () => {
    call++;
    if (call % 4 === 0) return { exitCode: 1, output: 'bad', timedOut: false };
    throw new Error('exec failed: container is stopping');
  });
  m.update('uid-1', [probeTarget(container({ livenessProbe: execProbe('live', { failureThreshold: 2 }) }))]);
  await waitFor('a liveness failure', () => m.takeFailures('uid-1').length === 1);
  const messages = events.events.map((e) => e.message);
  assert.ok(
    messages.includes(
      'Liveness probe errored and resulted in unknown state: exec failed: container is stopping',
    ),
  );
  assert.equal(messages.filter((t) => t === 'Liveness probe failed: bad').length, 2);
});

test('initialDelaySeconds counts from startedAt before the first probe', async () => {
  let now = Date.now();
  const { exec, m } = setup(() => now);
  exec.set('live', 0);
  exec.set('ready', 0);
  const c = container({
    livenessProbe: execProbe('live', { initialDelaySeconds: 5 }),
    readinessProbe: execProbe('ready'),
  });
  m.update('uid-1', [{ ...probeTarget(c), startedAt: new Date(now) }]);
  await waitFor('a few readiness ticks', () => exec.count('ready') >= 3);
  assert.equal(exec.count('live'), 0);
  now += 5 * SECOND_MS;
  await waitFor('the liveness probe', () => exec.count('live') >= 1);
});

test('a pod being deleted is never reported for liveness, and removing it stops its workers', async () => {
  const { exec, m } = setup();
  exec.set('live', 1);
  exec.set('ready', 0);
  const c = container({
    livenessProbe: execProbe('live', { failureThreshold: 1 }),
    readinessProbe: execProbe('ready'),
  });
  m.update('uid-1', [probeTarget(c, 'c1', true)]);
  await waitFor('readiness keeps probing', () => exec.count('ready') >= 3);
  assert.equal(exec.count('live'), 0);
  assert.deepEqual(m.takeFailures('uid-1'), []);
  m.removePod('uid-1');
  assert.equal(m.readiness('uid-1').size, 0);
});
