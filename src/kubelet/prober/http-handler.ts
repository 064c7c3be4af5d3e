// The httpGet probe (pkg/probe/http/http.go DoHTTPProbe, reached from pkg/kubelet/prober/prober.go runProbe).
import type { HTTPGetAction } from 'kubernetes-types/core/v1.js';
import { errorMessage } from './go-text.js';
import { httpGet } from './http-client.js';
import { buildHttpGetRequest } from './http-request.js';
import type { HandlerTarget, ProbeOutcome } from './types.js';

/**
 * 200-399 is success, with the body as output; a 3xx (a redirect not followed, because it leads to another host)
 * is a warning. Any other status and any transport error or timeout is a failure. A port that resolves to nothing
 * and a broken body read are errors (`unknown`).
 */
export async function httpGetProbe(
  action: HTTPGetAction,
  target: HandlerTarget,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  let request;
  try {
    request = buildHttpGetRequest(action, target, 'probe');
  } catch (err) {
    return { result: 'unknown', output: errorMessage(err) };
  }
  const res = await httpGet(request, { timeoutMs });
  if (res.kind === 'error') return { result: res.duringBody ? 'unknown' : 'failure', output: res.message };
  if (res.status >= 200 && res.status < 400) {
    if (res.status >= 300)
      return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` };
    return { result: 'success', output: res.body };
  }
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}` };
}
