// projected volumes (pkg/volume/projected collectData): configMap, secret, downwardAPI and serviceAccountToken
// sources merged into one directory.
import { join } from 'node:path';
import type {
  ConfigMap,
  Pod,
  ProjectedVolumeSource,
  Secret,
  ServiceAccountTokenProjection,
} from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';
import { configMapData } from './configmap.js';
import { downwardApiPayload, type Allocatable } from './downward-api.js';
import { aggregateMessages, VolumeSetUpError } from './errors.js';
import { DEFAULT_VOLUME_FILE_MODE, keyedPayload } from './key-projection.js';
import { secretData } from './secret.js';

/** The pod's namespace's objects, by name. */
export interface ProjectionObjects {
  configMap(name: string): ConfigMap | undefined;
  secret(name: string): Secret | undefined;
  /** The pod's current token for a source (fetched beforehand); throws a VolumeSetUpError when there is none. */
  serviceAccountToken?(projection: ServiceAccountTokenProjection): string;
}

export const PROJECTED_PLUGIN_DIR = 'kubernetes.io~projected';

export function projectedVolumePath(podDir: string, name: string): string {
  return join(podDir, 'volumes', PROJECTED_PLUGIN_DIR, name);
}

/** Every source's files; a source that fails is reported with the others (aggregated) and nothing is written. */
export function projectedPayload(
  pod: Pod,
  source: ProjectedVolumeSource,
  objects: ProjectionObjects,
  allocatable: Allocatable,
): Payload {
  const defaultMode = source.defaultMode ?? DEFAULT_VOLUME_FILE_MODE;
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const s of source.sources ?? []) {
    try {
      let files: Payload = new Map();
      if (s.configMap) {
        const optional = s.configMap.optional === true;
        const cm = objects.configMap(s.configMap.name ?? '');
        if (!cm && !optional) throw new VolumeSetUpError(`configmap "${s.configMap.name ?? ''}" not found`);
        const data = cm ? configMapData(cm) : { kind: 'configmap' as const, data: new Map<string, Buffer>() };
        files = keyedPayload(data, s.configMap.items, defaultMode, optional);
      } else if (s.secret) {
        const optional = s.secret.optional === true;
        const secret = objects.secret(s.secret.name ?? '');
        if (!secret && !optional) throw new VolumeSetUpError(`secret "${s.secret.name ?? ''}" not found`);
        const data = secret
          ? secretData(secret)
          : { kind: 'secret' as const, data: new Map<string, Buffer>() };
        files = keyedPayload(data, s.secret.items, defaultMode, optional);
      } else if (s.downwardAPI) {
        files = downwardApiPayload(pod, s.downwardAPI.items ?? [], defaultMode, allocatable);
      } else if (s.serviceAccountToken) {
        files = tokenPayload(s.serviceAccountToken, objects, defaultMode);
      }
      for (const [path, file] of files) payload.set(path, file);
    } catch (err) {
      if (!(err instanceof VolumeSetUpError)) throw err;
      errors.push(err.message);
    }
  }
  if (errors.length > 0) throw new VolumeSetUpError(aggregateMessages(errors));
  return payload;
}

function tokenPayload(
  projection: ServiceAccountTokenProjection,
  objects: ProjectionObjects,
  mode: number,
): Payload {
  if (!objects.serviceAccountToken)
    throw new VolumeSetUpError('cannot project a service account token: no API server to request it from');
  const token = objects.serviceAccountToken(projection);
  return new Map([[projection.path, { data: Buffer.from(token), mode }]]);
}
