// pods/inspect, podlet's extension: the sharing report of `podlet inspect pod`, for remote users
// (`kubectl get --raw /api/v1/namespaces/NS/pods/NAME/inspect`). Not in discovery or OpenAPI: no kubectl command
// knows it, and its body is podlet's, not a Kubernetes kind.
import type { SharingReport } from '../inspect/types.js';
import { sendJson } from './http-io.js';
import type { SubresourceHandler } from './resource-handler.js';
import { getObject } from './rest.js';
import { badRequest, methodNotSupported } from './status.js';

export type PodInspector = (namespace: string, name: string) => Promise<SharingReport | undefined>;

export function podInspectHandler(inspect: PodInspector | undefined): SubresourceHandler {
  return async (ctx, target, request, _req, res) => {
    if (request.verb !== 'get') throw methodNotSupported('pods/inspect', request.verb);
    getObject(ctx, target);
    const report = inspect ? await inspect(target.namespace, target.name) : undefined;
    if (!report) throw badRequest(`pod "${target.name}" has no sandbox on this node yet`);
    sendJson(res, 200, report);
  };
}
