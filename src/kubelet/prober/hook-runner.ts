// postStart / preStop handlers (pkg/kubelet/lifecycle/handlers.go handlerRunner.Run, runHTTPHandler).
import type { Container, HTTPGetAction, LifecycleHandler, Pod } from 'kubernetes-types/core/v1.js';
import type { EventRecorder } from '../events.js';
import { errorMessage, formatPod, goQuote, goStringSlice } from './go-text.js';
import { httpGet, type HttpGetRequest } from './http-client.js';
import { buildHttpGetRequest } from './http-request.js';
import { sleepHandler } from './sleep-handler.js';
import type { ExecInContainer } from './types.js';

export interface HookContext {
  pod: Pod;
  container: Container;
  containerId: string;
  podIP: string;
  exec: ExecInContainer;
  /** Receives the LifecycleHTTPFallback warning; optional because only an HTTPS hook met by plain HTTP needs it. */
  events?: EventRecorder;
}

/** On failure, `message` is kubelet's hook error text (logged; for postStart also the waiting message). */
export type HookResult = { ok: true } | { ok: false; message: string };

/**
 * Runs one handler to its end or until the signal aborts (preStop: the grace period ran out). kubelet gives
 * hooks no timeout of their own. Never throws.
 */
export async function runLifecycleHandler(
  handler: LifecycleHandler,
  ctx: HookContext,
  signal?: AbortSignal,
): Promise<HookResult> {
  const where = `for Container ${goQuote(ctx.container.name)} in Pod ${goQuote(formatPod(ctx.pod))}`;
  if (handler.exec) {
    const command = handler.exec.command ?? [];
    const failed = await runExecHook(command, ctx, signal);
    if (failed === undefined) return { ok: true };
    const text = `Exec lifecycle hook (${goStringSlice(command)}) ${where} failed - error: ${failed.error}, message: ${goQuote(failed.output)}`;
    return { ok: false, message: text };
  }
  if (handler.httpGet) {
    const error = await runHttpHook(handler.httpGet, ctx, signal);
    if (error === undefined) return { ok: true };
    return {
      ok: false,
      message: `HTTP lifecycle hook (${handler.httpGet.path ?? ''}) ${where} failed - error: ${error}`,
    };
  }
  if (handler.sleep) {
    if (await sleepHandler(handler.sleep.seconds, signal)) return { ok: true };
    const error = 'container terminated before sleep hook finished';
    return {
      ok: false,
      message: `Sleep lifecycle hook (${handler.sleep.seconds}) ${where} failed - error: ${error}`,
    };
  }
  // tcpSocket passes API validation but no runner handles it (handlers.go: the default case).
  return { ok: false, message: `Cannot run handler: invalid handler: ${goHandlerText(handler)}` };
}

/** undefined on success; else the error (remote_runtime.go ExecSync's exit error) and the command output. */
async function runExecHook(
  command: string[],
  ctx: HookContext,
  signal?: AbortSignal,
): Promise<{ error: string; output: string } | undefined> {
  try {
    const res = await ctx.exec(ctx.containerId, command, 0, signal);
    if (res.timedOut) return { error: `command ${goQuote(command.join(' '))} timed out`, output: res.output };
    if (res.exitCode === 0) return undefined;
    const error = `command '${command.join(' ')}' exited with ${res.exitCode}: ${res.stderr ?? ''}`;
    return { error, output: res.output };
  } catch (err) {
    return { error: errorMessage(err), output: '' };
  }
}

/**
 * undefined on success. Only a transport error fails the hook: kubelet ignores the status code. An HTTPS hook
 * answered by plain HTTP is retried once over HTTP without the Authorization header, with a warning event.
 */
async function runHttpHook(
  action: HTTPGetAction,
  ctx: HookContext,
  signal?: AbortSignal,
): Promise<string | undefined> {
  if (!action.host && !ctx.podIP) return 'failed to find networking container';
  let request: HttpGetRequest;
  try {
    request = buildHttpGetRequest(action, ctx, 'lifecycle');
  } catch (err) {
    return errorMessage(err);
  }
  const res = await httpGet(request, signal ? { signal } : {});
  if (res.kind !== 'error') return undefined;
  if (!res.httpResponseToHttps) return res.message;
  const plain = new URL(request.url.href);
  plain.protocol = 'http:';
  const headers = { ...request.headers };
  delete headers.Authorization;
  const retry: HttpGetRequest = {
    ...request,
    url: plain,
    displayUrl: request.displayUrl.replace(/^https:/, 'http:'),
    headers,
  };
  const second = await httpGet(retry, signal ? { signal } : {});
  if (second.kind === 'error') return res.message;
  ctx.events?.record(ctx.pod, {
    type: 'Warning',
    reason: 'LifecycleHTTPFallback',
    message: `request to HTTPS lifecycle hook ${plain.host} got HTTP response, retry with HTTP succeeded`,
  });
  return undefined;
}

/** The Go String() of a LifecycleHandler holding only a tcpSocket action (generated.pb.go), for the log text. */
function goHandlerText(handler: LifecycleHandler): string {
  const tcp = handler.tcpSocket;
  const port = typeof tcp?.port === 'string' ? `{1 0 ${tcp.port}}` : `{0 ${tcp?.port ?? 0} }`;
  const tcpText = tcp ? `&TCPSocketAction{Port:${port},Host:${tcp.host ?? ''},}` : 'nil';
  return `&LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:${tcpText},Sleep:nil,}`;
}
