import { createHash } from 'node:crypto';
import { totalmem } from 'node:os';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { oomScoreAdj } from '../api/qos.js';
import { containerCgroupValues } from '../api/resources.js';
import type { ImageRecord } from '../image/types.js';
import type { ContainerConfig } from '../runtime/container.js';
import type { EnvVar } from '../runtime/oci/process.js';
import type { Mount } from '../runtime/oci/types.js';
import type { ContainerKind } from '../runtime/types.js';

/** The hash the kubelet keeps per container instance: a different spec means "definition changed, restart". */
export function containerSpecHash(container: Container): string {
  return createHash('sha256').update(JSON.stringify(container)).digest('hex').slice(0, 16);
}

/** Everything the runtime needs to create one container instance, decided from the pod spec. */
export function containerConfig(
  pod: Pod,
  container: Container,
  kind: ContainerKind,
  attempt: number,
  image: ImageRecord,
  volumePaths: Map<string, string>,
  env: EnvVar[],
): ContainerConfig {
  return {
    pod,
    container,
    kind,
    attempt,
    image,
    imageRef: container.image ?? '',
    specHash: containerSpecHash(container),
    mounts: volumeMounts(container, volumePaths),
    extraEnv: env,
    resources: containerCgroupValues(container),
    oomScoreAdj: oomScoreAdj(pod, container, totalmem(), kind === 'sidecar'),
  };
}

function volumeMounts(container: Container, volumePaths: Map<string, string>): Mount[] {
  return (container.volumeMounts ?? []).map((m) => {
    const source = volumePaths.get(m.name);
    if (!source) throw new Error(`volume "${m.name}" is not set up`);
    return {
      destination: m.mountPath,
      type: 'bind',
      source: m.subPath ? `${source}/${m.subPath}` : source,
      options: ['rbind', 'rprivate', m.readOnly ? 'ro' : 'rw'],
    };
  });
}
