// One probe attempt, dispatched to its handler (pkg/kubelet/prober/prober.go runProbe, runProbeWithRetries).
import type { Pod, Probe } from 'kubernetes-types/core/v1.js';
import { execProbe } from './exec-handler.js';
import { formatPod } from './go-text.js';
import { grpcProbe } from './grpc-handler.js';
import { httpGetProbe } from './http-handler.js';
import { tcpSocketProbe } from './tcp-handler.js';
import type { ExecInContainer, HandlerTarget, ProbeOutcome } from './types.js';

export interface ProbeRunContext extends HandlerTarget {
  pod: Pod;
  exec: ExecInContainer;
}

/** prober.go maxProbeRetries: an attempt that errors is repeated, up to three attempts in all. */
const MAX_ATTEMPTS = 3;
/** API default of timeoutSeconds (pkg/apis/core/v1/defaults.go). */
const DEFAULT_TIMEOUT_SECONDS = 1;

/** Runs the probe, repeating it while it errors; the last outcome is returned. */
export async function runProbe(probe: Probe, ctx: ProbeRunContext): Promise<ProbeOutcome> {
  let outcome: ProbeOutcome = { result: 'unknown', output: '' };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    outcome = await runProbeOnce(probe, ctx);
    if (outcome.result !== 'unknown') return outcome;
  }
  return outcome;
}

function runProbeOnce(probe: Probe, ctx: ProbeRunContext): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  if (probe.exec) return execProbe(ctx.exec, ctx, probe.exec.command ?? [], timeoutMs);
  if (probe.httpGet) return httpGetProbe(probe.httpGet, ctx, timeoutMs);
  if (probe.tcpSocket) return tcpSocketProbe(probe.tcpSocket, ctx, timeoutMs);
  if (probe.grpc) return grpcProbe(probe.grpc, ctx, timeoutMs);
  const output = `missing probe handler for ${formatPod(ctx.pod)}:${ctx.container.name}`;
  return Promise.resolve({ result: 'unknown', output });
}
