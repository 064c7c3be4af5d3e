// The pods/binding subresource (pkg/registry/core/pod/storage/storage.go BindingREST and assignPod): a Binding
// sets spec.nodeName once, merges its annotations into the pod's, and marks PodScheduled True. It is how
// kube-scheduler places a pod; podlet's scheduler binds through the same function. podlet runs one node, so a
// Binding to any other node is refused rather than left for a kubelet that will never come.
import type { Binding, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../api/object.js';
import { kubeTime } from '../api/time.js';
import { NotFoundError } from '../store/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseBody, readBody, sendJson } from './http-io.js';
import type { SubresourceHandler } from './resource-handler.js';
import { badRequest, conflict, forbidden, methodNotSupported, notFound, successStatus } from './status.js';

const RESOURCE = 'pods/binding';

export interface BindRequest {
  namespace: string;
  name: string;
  /** The pod's UID the binder saw, when it wants to bind only that pod (metadata.uid of the Binding). */
  uid?: string;
  nodeName: string;
  annotations?: Readonly<Record<string, string>>;
  now: Date;
}

/** assignPod: the stored pod afterwards; throws the API's Status errors. `node` is the one node podlet runs. */
export function bindPod(store: ObjectStore, node: string, request: BindRequest): StoredObject {
  const { namespace, name, nodeName } = request;
  if (nodeName !== node) {
    throw forbidden(RESOURCE, name, `node "${nodeName}" is not this node: podlet runs only node "${node}"`);
  }
  try {
    return store.guaranteedUpdate('pods', namespace, name, (current) => {
      const pod = current as unknown as Pod;
      if (request.uid && current.metadata.uid !== request.uid) {
        throw conflict(
          RESOURCE,
          name,
          `Precondition failed: UID in precondition: ${request.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
        );
      }
      if (current.metadata.deletionTimestamp)
        throw conflict(RESOURCE, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      if (pod.spec?.nodeName)
        throw conflict(RESOURCE, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
      if ((pod.spec?.schedulingGates ?? []).length > 0)
        throw conflict(RESOURCE, name, `pod ${name} has non-empty .spec.schedulingGates`);
      const next = structuredClone(current) as KubeObject & { -readonly [K in keyof Pod]: Pod[K] };
      next.spec = { ...next.spec!, nodeName };
      if (request.annotations && Object.keys(request.annotations).length > 0) {
        const meta = (next.metadata ??= {});
        meta.annotations = { ...meta.annotations, ...request.annotations };
      }
      next.status = {
        ...next.status,
        conditions: withCondition(
          next.status?.conditions,
          { type: 'PodScheduled', status: 'True' },
          request.now,
        ),
      };
      return next;
    });
  } catch (e) {
    if (e instanceof NotFoundError) throw notFound('pods', name);
    throw e;
  }
}

/**
 * podutil.UpdatePodCondition: the condition replaces the one of its type; lastTransitionTime moves only when the
 * status changes. lastProbeTime is null, as the API shows it for conditions nobody probes.
 */
export function withCondition(
  conditions: readonly PodCondition[] | undefined,
  condition: PodCondition,
  now: Date,
): PodCondition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === condition.type);
  const before = index >= 0 ? list[index] : undefined;
  const next: PodCondition = {
    ...condition,
    lastProbeTime: null as unknown as string,
    lastTransitionTime:
      before && before.status === condition.status && before.lastTransitionTime
        ? before.lastTransitionTime
        : kubeTime(now),
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}

/** POST pods/NAME/binding with a v1 Binding: 201 and a Success Status. */
export const podBindingHandler: SubresourceHandler = async (ctx, target, request, req, res) => {
  if (request.verb !== 'create') throw methodNotSupported(RESOURCE, request.verb);
  const body = parseBody(await readBody(req), req.headers['content-type']) as Binding & KubeObject;
  if (body.metadata?.name !== undefined && body.metadata.name !== target.name) {
    throw badRequest('name in URL does not match name in Binding object');
  }
  const kind = body.target?.kind ?? '';
  if (kind !== '' && kind !== 'Node') throw badRequest(`target.kind: must be empty or 'Node', got "${kind}"`);
  if (!body.target?.name) throw badRequest('target.name: Required value');
  bindPod(ctx.store, ctx.nodeName, {
    namespace: target.namespace,
    name: target.name,
    ...(body.metadata?.uid ? { uid: body.metadata.uid } : {}),
    nodeName: body.target.name,
    ...(body.metadata?.annotations ? { annotations: body.metadata.annotations } : {}),
    now: ctx.now,
  });
  sendJson(res, 201, successStatus(201));
};
