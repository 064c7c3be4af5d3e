// The pods/ephemeralcontainers subresource (pkg/registry/core/pod/storage/storage.go EphemeralContainersREST and
// strategy.go podEphemeralContainersStrategy): GET, PUT and PATCH of the whole Pod, of which only
// spec.ephemeralContainers is taken. This is what `kubectl debug` patches to add a debug container.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { validatePodEphemeralContainersUpdate } from '../api/ephemeral-container-validation.js';
import type { KubeObject, StoredObject, WritableMeta } from '../api/object.js';
import { defaultPod } from '../api/pod-defaults.js';
import { parseBody, readBody, sendJson, setWarnings } from './http-io.js';
import { podStrategy } from './kinds/pods.js';
import type { KindStrategy } from './kinds/types.js';
import { defaultManager, patchObject } from './patch-handler.js';
import { trackUpdate } from './patch/server-side-apply.js';
import { writeOptions, type SubresourceHandler } from './resource-handler.js';
import { decodeBody, getObject, updateObject, type Target } from './rest.js';
import { methodNotSupported } from './status.js';
import { toStorage, toVersion } from './versions.js';

const SUBRESOURCE = 'ephemeralcontainers';

/** The pod strategy with the subresource's update rules; admission (Pod Security) is the pod's own. */
export const ephemeralContainersStrategy: KindStrategy = {
  ...podStrategy,
  prepareForUpdate: keepOnlyEphemeralContainers,
  validateUpdate: (object, old) => validatePodEphemeralContainersUpdate(object as Pod, old as Pod),
};

export const ephemeralContainersHandler: SubresourceHandler = async (
  ctx,
  target,
  request,
  req,
  res,
  query,
) => {
  const scoped: Target = { ...target, strategy: ephemeralContainersStrategy };
  const reply = (object: StoredObject) => sendJson(res, 200, toVersion(target.def, object));
  switch (request.verb) {
    case 'get':
      return reply(getObject(ctx, target));
    case 'update': {
      const options = writeOptions(query);
      const body = parseBody(await readBody(req), req.headers['content-type']);
      const { object, warnings } = decodeBody(body, scoped, options);
      const old = getObject(ctx, target);
      const manager = query.get('fieldManager') ?? defaultManager(req);
      const tracked = trackUpdate(
        old,
        toStorage(target.def, object),
        manager,
        'Update',
        ctx.now,
        SUBRESOURCE,
      );
      const updated = updateObject(ctx, scoped, tracked, old, { ...options, subresource: SUBRESOURCE });
      setWarnings(res, [...warnings, ...updated.warnings]);
      return reply(updated.object);
    }
    case 'patch': {
      // A subresource never creates its object, not even by server-side apply.
      getObject(ctx, target);
      const result = await patchObject(ctx, scoped, req, query, writeOptions(query), SUBRESOURCE);
      setWarnings(res, result.warnings);
      return reply(result.object);
    }
    default:
      throw methodNotSupported(`pods/${SUBRESOURCE}`, request.verb);
  }
};

/**
 * dropNonEphemeralContainerUpdates: the stored pod with the body's ephemeral containers, defaulted as the
 * decoder defaults a whole Pod. Metadata keeps what ResetObjectMetaForStatus keeps from the stored object.
 */
function keepOnlyEphemeralContainers(object: KubeObject, old: StoredObject): void {
  const requested = defaultPod(object as Pod).spec?.ephemeralContainers;
  const stored = structuredClone(old) as KubeObject & Pod;
  const spec = stored.spec ?? { containers: [] };
  if (requested === undefined) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = requested;
  object.spec = spec;
  object.status = stored.status;
  const meta: WritableMeta = (object.metadata ??= {});
  for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
    const value = stored.metadata?.[key];
    if (value === undefined) delete meta[key];
    else Object.assign(meta, { [key]: value });
  }
}
