// What the probe and lifecycle-hook handlers take and return (pkg/probe/probe.go Result, pkg/kubelet/prober).
import type { Container } from 'kubernetes-types/core/v1.js';

/**
 * pkg/probe Result. `warning` is a success that still earns a ProbeWarning event (an HTTP redirect to another
 * host); `unknown` means the probe errored: kubelet throws such a result away (worker.go doProbe).
 */
export type ProbeResult = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutcome {
  result: ProbeResult;
  /** The text kubelet puts into the Unhealthy / ProbeWarning event (command output, HTTP body, error text). */
  output: string;
}

export interface ExecOutcome {
  exitCode: number;
  /** stdout and stderr interleaved, as CRI ExecSync output reaches the probe. */
  output: string;
  timedOut: boolean;
  /** stderr alone when the runtime keeps it apart; the exec hook error text quotes it (remote_runtime.go ExecSync). */
  stderr?: string;
}

/**
 * Runs a command in a running container (the lead wires it to `runc exec`). timeoutMs 0 means no timeout (hooks:
 * kubelet passes none and bounds them by the grace period, which arrives here as the signal). It throws only when
 * the command could not be run at all.
 */
export type ExecInContainer = (
  containerId: string,
  command: string[],
  timeoutMs: number,
  signal?: AbortSignal,
) => Promise<ExecOutcome>;

/** The container a handler acts on. */
export interface HandlerTarget {
  container: Container;
  containerId: string;
  /** The default host of httpGet / tcpSocket / grpc (status.podIP; the node IP under hostNetwork). */
  podIP: string;
}
