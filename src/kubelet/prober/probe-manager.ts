// The probe workers of every pod, started and stopped from the pod worker's view of running containers
// (pkg/kubelet/prober/prober_manager.go AddPod, RemovePod, UpdatePodStatus).
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { EventRecorder } from '../events.js';
import { errorMessage } from './go-text.js';
import { runProbe } from './probe-runner.js';
import { ProbeWorker, type ProbeKind, type ProbeTarget, type WorkerHooks } from './probe-worker.js';
import type { ExecInContainer, ProbeOutcome } from './types.js';

export type { ProbeKind, ProbeTarget } from './probe-worker.js';

export interface ProbeFailure {
  containerName: string;
  containerId: string;
  kind: 'liveness' | 'startup';
  /** The last probe output (e.g. `HTTP probe failed with statuscode: 500`). */
  message: string;
}

export interface ProbeManagerDeps {
  exec: ExecInContainer;
  events: EventRecorder;
  /** A probe result flipped: the status writer (and, for a failure, the pod worker) should run now. */
  onChange: (podUid: string) => void;
  /** Clock for initialDelaySeconds (default Date.now). */
  now?: () => number;
  /** Milliseconds per probe second; only tests shrink it. */
  secondMs?: number;
}

const KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

export class ProbeManager {
  /** pod UID -> `container/kind` -> worker. */
  private readonly pods = new Map<string, Map<string, ProbeWorker>>();
  private readonly failures = new Map<string, ProbeFailure[]>();

  constructor(private readonly deps: ProbeManagerDeps) {}

  /** Called by the pod worker after every sync with the running containers of a pod (starts/stops workers). */
  update(podUid: string, targets: readonly ProbeTarget[]): void {
    const workers = this.pods.get(podUid) ?? new Map<string, ProbeWorker>();
    const wanted = new Set<string>();
    for (const target of targets) {
      for (const kind of KINDS) {
        const spec = probeOf(target.container, kind);
        if (!spec) continue;
        const key = workerKey(target.container.name, kind);
        wanted.add(key);
        const worker = workers.get(key);
        if (worker) worker.updateTarget(target);
        else workers.set(key, new ProbeWorker(kind, spec, target, this.hooksFor(podUid, target.container)));
      }
    }
    for (const [key, worker] of workers) {
      if (wanted.has(key)) continue;
      worker.stop();
      workers.delete(key);
    }
    if (workers.size > 0) this.pods.set(podUid, workers);
    else this.pods.delete(podUid);
    this.dropStaleFailures(podUid, workers);
  }

  removePod(podUid: string): void {
    for (const worker of this.pods.get(podUid)?.values() ?? []) worker.stop();
    this.pods.delete(podUid);
    this.failures.delete(podUid);
  }

  /** Container name -> startup passed, for the containers with a startupProbe that are running. */
  started(podUid: string): ReadonlyMap<string, boolean> {
    return this.resultsOf(podUid, 'startup');
  }

  /** Container name -> ready, for the containers with a readinessProbe that are running. */
  readiness(podUid: string): ReadonlyMap<string, boolean> {
    return this.resultsOf(podUid, 'readiness');
  }

  /** Containers whose liveness or startup probe failed failureThreshold times: the pod worker kills them. */
  takeFailures(podUid: string): ProbeFailure[] {
    const taken = this.failures.get(podUid) ?? [];
    this.failures.delete(podUid);
    return taken;
  }

  close(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  private resultsOf(podUid: string, kind: ProbeKind): Map<string, boolean> {
    const out = new Map<string, boolean>();
    for (const worker of this.pods.get(podUid)?.values() ?? [])
      if (worker.kind === kind) out.set(worker.containerName, worker.result === 'success');
    return out;
  }

  private hooksFor(podUid: string, container: Container): WorkerHooks {
    const name = container.name;
    return {
      runProbe: (probe, target) => this.probe(probe, target),
      events: this.deps.events,
      now: this.deps.now ?? Date.now,
      secondMs: this.deps.secondMs ?? 1000,
      // prober_manager.go isContainerStarted: without a startup probe a running container has started.
      isStarted: () =>
        container.startupProbe === undefined ||
        this.pods.get(podUid)?.get(workerKey(name, 'startup'))?.result === 'success',
      onChange: (worker) => {
        // The first readiness probe follows a passed startup probe at once, not a period later (UpdatePodStatus).
        if (worker.kind === 'startup' && worker.result === 'success')
          this.pods.get(podUid)?.get(workerKey(name, 'readiness'))?.trigger();
        this.deps.onChange(podUid);
      },
      onFailure: (worker, output) => {
        const kind = worker.kind === 'startup' ? 'startup' : 'liveness';
        const list = this.failures.get(podUid) ?? [];
        list.push({ containerName: name, containerId: worker.containerId, kind, message: output });
        this.failures.set(podUid, list);
      },
    };
  }

  /** Handlers never throw for an ordinary failure; anything else is reported as an errored probe. */
  private async probe(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
    try {
      return await runProbe(probe, { ...target, exec: this.deps.exec });
    } catch (err) {
      return { result: 'unknown', output: errorMessage(err) };
    }
  }

  /** A failure of a container instance that is gone (restarted or stopped) must not kill its successor. */
  private dropStaleFailures(podUid: string, workers: Map<string, ProbeWorker>): void {
    const list = this.failures.get(podUid);
    if (!list) return;
    const live = new Set([...workers.values()].map((w) => w.containerId));
    const kept = list.filter((f) => live.has(f.containerId));
    if (kept.length > 0) this.failures.set(podUid, kept);
    else this.failures.delete(podUid);
  }
}

function probeOf(container: Container, kind: ProbeKind): Probe | undefined {
  if (kind === 'startup') return container.startupProbe;
  return kind === 'liveness' ? container.livenessProbe : container.readinessProbe;
}

function workerKey(containerName: string, kind: ProbeKind): string {
  return `${containerName}/${kind}`;
}
