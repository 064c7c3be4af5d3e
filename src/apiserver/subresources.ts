// Subresources beyond the generic verbs: pods/binding (how a scheduler places a pod), pods/eviction (what `kubectl drain` posts), pods/log,
// pods/ephemeralcontainers and serviceaccounts/token (`kubectl create token`). The streaming ones (exec, portforward) are upgrades, served from server.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import { ephemeralContainersHandler } from './ephemeral-containers.js';
import { parseBody, readBody, sendJson } from './http-io.js';
import { podBindingHandler } from './pod-binding.js';
import { podInspectHandler, type PodInspector } from './pod-inspect.js';
import { podLogHandler, type LogPath } from './pod-logs.js';
import type { HandlerContext, SubresourceHandler } from './resource-handler.js';
import { deleteObject, type Target } from './rest.js';
import type { ServiceAccountTokens } from './service-account-tokens.js';
import type { ResourceRequest } from './router.js';
import { badRequest, methodNotSupported, successStatus } from './status.js';
import { tokenRequestHandler } from './token-request.js';

/** policy/v1 Eviction: a graceful delete of the pod, answered with a Success Status (201). */
async function evictPod(
  ctx: HandlerContext,
  target: Target,
  request: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (request.verb !== 'create') throw methodNotSupported('pods/eviction', request.verb);
  const body = parseBody(await readBody(req), req.headers['content-type']) as {
    kind?: string;
    metadata?: { name?: string };
    deleteOptions?: DeleteOptions;
  };
  if (body.metadata?.name !== undefined && body.metadata.name !== target.name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  deleteObject(ctx, target, body.deleteOptions ?? {}, false);
  sendJson(res, 201, successStatus(201));
}

export function builtInSubresources(
  logPath: LogPath,
  tokens: ServiceAccountTokens,
  inspect: PodInspector | undefined,
): ReadonlyMap<string, SubresourceHandler> {
  return new Map([
    ['pods/binding', podBindingHandler],
    ['pods/ephemeralcontainers', ephemeralContainersHandler],
    ['pods/eviction', evictPod],
    ['pods/inspect', podInspectHandler(inspect)],
    ['pods/log', podLogHandler(logPath)],
    ['serviceaccounts/token', tokenRequestHandler(tokens)],
  ]);
}
