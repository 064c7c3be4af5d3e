// The exec probe (pkg/probe/exec/exec.go, the command run through CRI ExecSync by pkg/kubelet/prober/prober.go).
import type { Container } from 'kubernetes-types/core/v1.js';
import { expandVariables, lookupIn } from '../../api/expansion.js';
import { errorMessage, goQuote } from './go-text.js';
import type { ExecInContainer, HandlerTarget, ProbeOutcome } from './types.js';

/** pkg/probe/exec maxReadLength: the probe keeps at most 10 KiB of output. */
export const MAX_OUTPUT_BYTES = 10 * 1024;

/**
 * Exit 0 is success, anything else failure with the output as message. A timeout is a failure whose message is
 * the one kubelet builds for a DeadlineExceeded ExecSync (ExecProbeTimeout, GA). A command that could not be run
 * at all is an error (`unknown`).
 */
export async function execProbe(
  exec: ExecInContainer,
  target: HandlerTarget,
  command: readonly string[],
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const expanded = expandStaticEnv(command, target.container);
  try {
    const outcome = await exec(target.containerId, expanded, timeoutMs);
    if (outcome.timedOut)
      return { result: 'failure', output: `command ${goQuote(expanded.join(' '))} timed out` };
    return { result: outcome.exitCode === 0 ? 'success' : 'failure', output: truncateBytes(outcome.output) };
  } catch (err) {
    return { result: 'unknown', output: errorMessage(err) };
  }
}

/**
 * kubecontainer.ExpandContainerCommandOnlyStatic: `$(VAR)` in a probe command sees only the container's own env
 * list, where a valueFrom variable counts as empty (the probe has no access to the resolved environment).
 */
function expandStaticEnv(command: readonly string[], container: Container): string[] {
  const lookup = lookupIn((container.env ?? []).map((e) => ({ name: e.name, value: e.value ?? '' })));
  return command.map((arg) => expandVariables(arg, lookup));
}

function truncateBytes(text: string): string {
  const bytes = Buffer.from(text);
  return bytes.length <= MAX_OUTPUT_BYTES ? text : bytes.subarray(0, MAX_OUTPUT_BYTES).toString();
}
