import { createHash } from 'node:crypto';
import { totalmem } from 'node:os';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { expandVariables } from '../api/expansion.js';
import { oomScoreAdj } from '../api/qos.js';
import { containerCgroupValues } from '../api/resources.js';
import type { ImageRecord } from '../image/types.js';
import type { ContainerConfig } from '../runtime/container.js';
import type { EnvVar } from '../runtime/oci/process.js';
import type { Mount } from '../runtime/oci/types.js';
import type { ContainerKind } from '../runtime/types.js';
import { prepareSubPath, SubPathError } from '../volume/sub-path.js';

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
  mounts: Mount[],
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
    mounts,
    extraEnv: env,
    resources: containerCgroupValues(container),
    oomScoreAdj: oomScoreAdj(pod, container, totalmem(), kind === 'sidecar'),
  };
}

/**
 * The container's volume mounts (kubelet_pods.go makeMounts): subPathExpr expanded with the container's env,
 * subPaths checked to stay inside their volume, and read-only when the mount asks for it or the volume must be
 * (configMap, secret, downwardAPI and projected volumes since CVE-2017-1002102; a readOnly claim). Throws
 * ContainerMountError: the container then waits as CreateContainerConfigError.
 */
export async function containerMounts(
  pod: Pod,
  container: Container,
  volumePaths: Map<string, string>,
  env: readonly EnvVar[],
): Promise<Mount[]> {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const volumePath = volumePaths.get(m.name);
    if (!volumePath) {
      throw new ContainerMountError(
        `cannot find volume "${m.name}" to mount into container "${container.name}"`,
      );
    }
    const subPath = m.subPathExpr ? expandSubPath(m.subPathExpr, env) : (m.subPath ?? '');
    const source = subPath
      ? await prepareSubPath({ volumePath, subPath, mountName: m.name, containerName: container.name }).catch(
          (err: unknown) => {
            throw err instanceof SubPathError ? new ContainerMountError(err.message, { cause: err }) : err;
          },
        )
      : volumePath;
    const readOnly = m.readOnly === true || volumeMustMountReadOnly(pod, m.name);
    mounts.push({
      destination: m.mountPath,
      type: 'bind',
      source,
      options: ['rbind', 'rprivate', readOnly ? 'ro' : 'rw', ...tmpfsVolumeFlags(pod, m.name)],
    });
  }
  return mounts;
}

/** Why a container's mounts cannot be made; the message is the kubelet's. */
export class ContainerMountError extends Error {
  override readonly name = 'ContainerMountError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** ExpandContainerVolumeMounts: every referenced variable must be set and non-empty. */
function expandSubPath(expr: string, env: readonly EnvVar[]): string {
  const values = new Map(env.map((e) => [e.name, e.value]));
  const missing = new Set<string>();
  const expanded = expandVariables(expr, (name) => {
    const value = values.get(name);
    if (!value) missing.add(name);
    return value ?? '';
  });
  if (missing.size > 0) throw new ContainerMountError(`missing value for ${[...missing].sort().join(', ')}`);
  return expanded;
}

/**
 * A secret, projected, downwardAPI or memory emptyDir volume is a tmpfs podlet mounted nosuid,nodev (decision 0050).
 * In a pod's own user namespace those flags are locked, and runc 1.1 remounts a bind (read-only for the first three)
 * without them unless named: EPERM. Naming the flags the source already has changes nothing else.
 */
function tmpfsVolumeFlags(pod: Pod, name: string): string[] {
  const v = pod.spec?.volumes?.find((vol) => vol.name === name);
  const tmpfs = Boolean(v?.secret ?? v?.projected ?? v?.downwardAPI) || v?.emptyDir?.medium === 'Memory';
  return tmpfs ? ['nosuid', 'nodev'] : [];
}

/** The volume plugin's GetAttributes().ReadOnly. */
function volumeMustMountReadOnly(pod: Pod, name: string): boolean {
  const v = pod.spec?.volumes?.find((vol) => vol.name === name);
  if (!v) return false;
  return (
    Boolean(v.configMap ?? v.secret ?? v.downwardAPI ?? v.projected) ||
    v.persistentVolumeClaim?.readOnly === true
  );
}
