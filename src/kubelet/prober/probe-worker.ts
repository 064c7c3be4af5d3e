// One probe of one container: its timer, its thresholds and its current result
// (pkg/kubelet/prober/worker.go run, doProbe; the results it keeps as in prober/results).
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import { containerFieldPath, type EventRecorder } from '../events.js';
import type { ProbeOutcome } from './types.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';
/** results.Result: what the rest of the kubelet reads. */
export type WorkerResult = 'success' | 'failure' | 'unknown';

export interface ProbeTarget {
  podUid: string;
  pod: Pod;
  container: Container;
  containerId: string;
  /** state.running.startedAt: initialDelaySeconds counts from here. */
  startedAt: Date;
  podIP: string;
}

export interface WorkerHooks {
  runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome>;
  events: EventRecorder;
  now(): number;
  /** Milliseconds in a probe second (1000; smaller only in tests). */
  secondMs: number;
  /** Whether the container counts as started (its startup probe passed, or it has none). */
  isStarted(): boolean;
  /** A result flipped because of a probe (not because a new container arrived). */
  onChange(worker: ProbeWorker): void;
  /** A liveness or startup probe reached failureThreshold. */
  onFailure(worker: ProbeWorker, output: string): void;
}

/** worker.go newWorker: liveness starts healthy, readiness unready, startup unknown (= not started). */
const INITIAL: Record<ProbeKind, WorkerResult> = {
  liveness: 'success',
  readiness: 'failure',
  startup: 'unknown',
};
const LABEL: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
/** API defaults (pkg/apis/core/v1/defaults.go SetDefaults_Probe). */
const DEFAULTS = { periodSeconds: 10, successThreshold: 1, failureThreshold: 3, initialDelaySeconds: 0 };

export class ProbeWorker {
  result: WorkerResult;
  private target: ProbeTarget;
  private lastResult: WorkerResult | undefined;
  private resultRun = 0;
  /** After a liveness/startup failure: no probing until a new container ID (worker.go onHold). */
  private onHold = false;
  /** Liveness/startup of a pod being deleted: set to success once and never probed again. */
  private quiet = false;
  private stopped = false;
  private running = false;
  private pending = false;
  private tick = 0;
  private readonly startMs = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly kind: ProbeKind,
    readonly spec: Probe,
    target: ProbeTarget,
    private readonly hooks: WorkerHooks,
  ) {
    this.target = target;
    this.result = INITIAL[kind];
    // Like Go's worker, probe at once, then on every tick; deferred so the manager has registered this worker.
    this.timer = setTimeout(() => {
      this.armTicker();
      this.trigger();
    }, 0);
  }

  get containerId(): string {
    return this.target.containerId;
  }

  get containerName(): string {
    return this.target.container.name;
  }

  /** The latest pod object and container instance; a new container ID starts over from the initial result. */
  updateTarget(target: ProbeTarget): void {
    const fresh = target.containerId !== this.target.containerId;
    this.target = target;
    if (!fresh) return;
    this.result = INITIAL[this.kind];
    this.lastResult = undefined;
    this.resultRun = 0;
    this.onHold = false;
    this.quiet = false;
  }

  /** Probe now (prober_manager.go manualTriggerCh); a probe already running is followed by one more. */
  trigger(): void {
    if (this.stopped || this.quiet) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Go's time.Ticker: ticks on a fixed grid from the start; ticks missed while a probe runs collapse into one. */
  private armTicker(): void {
    if (this.stopped) return;
    const period = (this.spec.periodSeconds ?? DEFAULTS.periodSeconds) * this.hooks.secondMs;
    const now = Date.now();
    this.tick = Math.max(this.tick + 1, Math.floor((now - this.startMs) / period) + 1);
    this.timer = setTimeout(
      () => {
        this.armTicker();
        this.trigger();
      },
      this.startMs + this.tick * period - now,
    );
  }

  private async loop(): Promise<void> {
    this.running = true;
    do {
      this.pending = false;
      await this.doProbe();
    } while (this.pending && !this.stopped);
    this.running = false;
  }

  private async doProbe(): Promise<void> {
    const target = this.target;
    if (this.onHold || this.quiet) return;
    if (target.pod.metadata?.deletionTimestamp && this.kind !== 'readiness') {
      // worker.go: a pod being deleted must not be killed by a probe; a quiet success ends the worker.
      this.quiet = true;
      this.setResult('success');
      return;
    }
    const elapsed = Math.floor((this.hooks.now() - target.startedAt.getTime()) / this.hooks.secondMs);
    if (elapsed < (this.spec.initialDelaySeconds ?? DEFAULTS.initialDelaySeconds)) return;
    // Startup runs until it passes; liveness and readiness wait for it.
    if ((this.kind === 'startup') === this.hooks.isStarted()) return;
    const outcome = await this.hooks.runProbe(this.spec, target);
    if (this.stopped || target.containerId !== this.target.containerId) return;
    this.recordEvent(outcome);
    if (outcome.result === 'unknown') return;
    this.countResult(outcome.result === 'failure' ? 'failure' : 'success', outcome.output);
  }

  private countResult(result: 'success' | 'failure', output: string): void {
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const threshold =
      result === 'failure'
        ? (this.spec.failureThreshold ?? DEFAULTS.failureThreshold)
        : (this.spec.successThreshold ?? DEFAULTS.successThreshold);
    if (this.resultRun < threshold) return;
    if (result === 'failure' && this.kind !== 'readiness') {
      this.onHold = true;
      this.resultRun = 0;
      this.hooks.onFailure(this, output);
    }
    this.setResult(result);
  }

  private setResult(result: WorkerResult): void {
    if (this.result === result) return;
    this.result = result;
    this.hooks.onChange(this);
  }

  /** prober.go probe: one event per failed, errored or warned attempt. */
  private recordEvent(outcome: ProbeOutcome): void {
    const label = LABEL[this.kind];
    const { pod, container } = this.target;
    const fieldPath = containerFieldPath(pod, container.name);
    if (outcome.result === 'failure')
      this.hooks.events.record(pod, {
        type: 'Warning',
        reason: 'Unhealthy',
        message: `${label} probe failed: ${outcome.output}`,
        fieldPath,
      });
    else if (outcome.result === 'unknown') {
      const message = `${label} probe errored and resulted in unknown state: ${outcome.output}`;
      this.hooks.events.record(pod, { type: 'Warning', reason: 'Unhealthy', message, fieldPath });
    } else if (outcome.result === 'warning')
      this.hooks.events.record(pod, {
        type: 'Warning',
        reason: 'ProbeWarning',
        message: `${label} probe warning: ${outcome.output}`,
        fieldPath,
      });
  }
}
