// The kubelet's volume manager, reduced to one node and one pass per sync: each volume of the pod is set up (or
// brought up to date) from the API objects it names, and what fails is reported the way the kubelet's reconciler
// and pod worker report it (pkg/kubelet/volumemanager, pkg/volume/util/operationexecutor/operation_generator.go).
import { chmodSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { totalmem } from 'node:os';
import type {
  Pod,
  ProjectedVolumeSource,
  ServiceAccountTokenProjection,
  Volume,
} from 'kubernetes-types/core/v1.js';
import { quantityToBytes, parseQuantity } from '../api/quantity.js';
import { hugePageMountOption, isHugePageMedium } from '../api/hugepages.js';
import { podCgroupValues } from '../api/resources.js';
import { hasData } from '../volume/atomic-writer.js';
import { configMapPayload, configMapVolumePath, setUpConfigMap } from '../volume/configmap.js';
import {
  DOWNWARD_API_PLUGIN_DIR,
  downwardApiPayload,
  downwardApiVolumePath,
} from '../volume/downward-api.js';
import { EMPTY_DIR_PLUGIN_DIR, setUpEmptyDir, tearDownEmptyDir } from '../volume/empty-dir.js';
import { VolumeSetUpError } from '../volume/errors.js';
import { setUpMemoryBacked, tearDownMemoryBacked } from '../volume/memory-backed.js';
import { ensureVolumeOwnership } from '../volume/ownership.js';
import { setUpHostPath } from '../volume/host-path.js';
import { claimedHostPath } from '../volume/persistent-claim.js';
import {
  PROJECTED_PLUGIN_DIR,
  projectedPayload,
  projectedVolumePath,
  type ProjectionObjects,
} from '../volume/projected.js';
import { SECRET_PLUGIN_DIR, secretPayload, secretVolumePath } from '../volume/secret.js';
import { ensureDir } from '../util/fs.js';
import type { ObjectSource } from './container-env.js';
import type { NodeAllocatable } from './node-object.js';
import type { TokenSource } from './token-manager.js';

export interface PodVolumesContext {
  pod: Pod;
  podDir: string;
  /** ConfigMaps, Secrets, claims and volumes (absent without an API server: static pods only). */
  objects: ObjectSource | undefined;
  allocatable: NodeAllocatable;
  /** Service account tokens for projected serviceAccountToken sources (absent without an API server). */
  tokens: TokenSource | undefined;
}

export interface PodVolumes {
  /** Volume name -> host path, for every volume the containers may mount. */
  paths: Map<string, string>;
  /** FailedMount event messages of this pass. */
  failures: string[];
  /** Every volume has a path: containers may be created (kubelet WaitForAttachAndMount). */
  ready: boolean;
}

/**
 * Sets up every volume of the pod, idempotently: API-data volumes are rewritten only when their content changed,
 * so a ConfigMap edit or a label change reaches a running pod at its next sync. A volume that fails but was set up
 * before keeps its last content (and the pod keeps running), as the kubelet's remount does.
 */
export async function setUpPodVolumes(ctx: PodVolumesContext): Promise<PodVolumes> {
  const paths = new Map<string, string>();
  const failures: string[] = [];
  const unprocessed: { name: string; message: string }[] = [];
  // pods/ is traversable by every host user (docs/decisions/0027): a pod's own directory, which holds its tokens and
  // Secrets, is root's alone. A user-namespaced pod needs no more: runc opens bind-mount sources as host root.
  await ensureDir(ctx.podDir, 0o700);
  chmodSync(ctx.podDir, 0o700);
  for (const volume of ctx.pod.spec?.volumes ?? []) {
    try {
      const path = await setUpVolume(ctx, volume);
      const fsGroup = ctx.pod.spec?.securityContext?.fsGroup;
      if (fsGroup !== undefined && ownershipManaged(ctx, volume)) {
        await ensureVolumeOwnership(path, fsGroup, apiDataVolume(volume));
      }
      paths.set(volume.name, path);
    } catch (err) {
      if (!(err instanceof VolumeSetUpError)) throw err;
      if (volume.persistentVolumeClaim) unprocessed.push({ name: volume.name, message: err.message });
      else failures.push(`MountVolume.SetUp failed for volume "${volume.name}" : ${err.message}`);
      const previous = previousPath(ctx.podDir, volume);
      if (previous && (await hasData(previous))) paths.set(volume.name, previous);
    }
  }
  const volumes = ctx.pod.spec?.volumes ?? [];
  if (unprocessed.length > 0) {
    // The populator's errors surface through the pod worker's wait (kubelet.go: "Unable to attach or mount volumes").
    const unmounted = volumes.filter((v) => !paths.has(v.name)).map((v) => v.name);
    const names = unprocessed.map((u) => u.name);
    failures.push(
      `Unable to attach or mount volumes: unmounted volumes=[${unmounted.sort().join(' ')}], unattached volumes=[], ` +
        `failed to process volumes=[${names.sort().join(' ')}]: ${unprocessed.map((u) => u.message).join('; ')}`,
    );
  }
  return { paths, failures, ready: volumes.every((v) => paths.has(v.name)) };
}

/**
 * Unmounts what was mounted under the pod directory (memory emptyDirs, and the tmpfs of secret, projected and
 * downwardAPI volumes) and removes the volumes.
 */
export async function tearDownPodVolumes(podDir: string): Promise<void> {
  const names = (plugin: string) => readdir(join(podDir, 'volumes', plugin)).catch(() => [] as string[]);
  for (const name of await names(EMPTY_DIR_PLUGIN_DIR)) await tearDownEmptyDir(podDir, name);
  for (const plugin of [SECRET_PLUGIN_DIR, PROJECTED_PLUGIN_DIR, DOWNWARD_API_PLUGIN_DIR]) {
    for (const name of await names(plugin)) await tearDownMemoryBacked(join(podDir, 'volumes', plugin, name));
  }
}

async function setUpVolume(ctx: PodVolumesContext, v: Volume): Promise<string> {
  const { pod, podDir } = ctx;
  if (v.emptyDir) {
    const memorySizeBytes = memoryVolumeSize(pod, v.emptyDir.sizeLimit);
    const medium = v.emptyDir.medium ?? '';
    return setUpEmptyDir({
      podDir,
      name: v.name,
      source: v.emptyDir,
      memorySizeBytes,
      ...(isHugePageMedium(medium) ? { hugePageMountOption: hugePageMountOption(medium, pod) } : {}),
    });
  }
  if (v.hostPath) return setUpHostPath(v.hostPath);
  if (v.persistentVolumeClaim) {
    const objects = requireObjects(ctx, 'persistentVolumeClaim');
    const ref = { namespace: namespaceOf(pod), claimName: v.persistentVolumeClaim.claimName };
    const claim = objects.persistentVolumeClaim(ref.namespace, ref.claimName);
    return setUpHostPath(claimedHostPath(ref, claim, (name) => objects.persistentVolume(name)));
  }
  if (v.configMap) {
    const cm = requireObjects(ctx, 'configMap').configMap(namespaceOf(pod), v.configMap.name ?? '');
    return setUpConfigMap(podDir, v.name, configMapPayload(v.configMap, cm));
  }
  if (v.secret) {
    const secret = requireObjects(ctx, 'secret').secret(namespaceOf(pod), v.secret.secretName ?? '');
    const payload = secretPayload(v.secret, secret);
    return setUpMemoryBacked(secretVolumePath(podDir, v.name), payload, memoryVolumeSize(pod, undefined));
  }
  if (v.downwardAPI) {
    const payload = downwardApiPayload(
      pod,
      v.downwardAPI.items ?? [],
      v.downwardAPI.defaultMode,
      ctx.allocatable,
    );
    return setUpMemoryBacked(
      downwardApiVolumePath(podDir, v.name),
      payload,
      memoryVolumeSize(pod, undefined),
    );
  }
  if (v.projected) {
    const tokens = await projectedTokens(ctx, v.projected);
    const payload = projectedPayload(pod, v.projected, projectionObjects(ctx, tokens), ctx.allocatable);
    return setUpMemoryBacked(projectedVolumePath(podDir, v.name), payload, memoryVolumeSize(pod, undefined));
  }
  throw new VolumeSetUpError('this volume type is not supported by podlet');
}

/** The volume types whose files take the pod's fsGroup: not hostPath, nor a claim bound to a hostPath PV. */
function ownershipManaged(ctx: PodVolumesContext, v: Volume): boolean {
  if (v.persistentVolumeClaim) {
    const claim = ctx.objects?.persistentVolumeClaim(namespaceOf(ctx.pod), v.persistentVolumeClaim.claimName);
    const volumeName = claim?.spec?.volumeName;
    return volumeName !== undefined && ctx.objects?.persistentVolume(volumeName)?.spec?.local !== undefined;
  }
  return v.emptyDir !== undefined || apiDataVolume(v);
}

/** Volumes written by the kubelet from API objects: read-only to the containers. */
function apiDataVolume(v: Volume): boolean {
  return (
    v.configMap !== undefined ||
    v.secret !== undefined ||
    v.downwardAPI !== undefined ||
    v.projected !== undefined
  );
}

/** Where an API-data volume lives, to keep serving its last content when a later update fails. */
function previousPath(podDir: string, v: Volume): string | undefined {
  if (v.configMap) return configMapVolumePath(podDir, v.name);
  if (v.secret) return secretVolumePath(podDir, v.name);
  if (v.downwardAPI) return downwardApiVolumePath(podDir, v.name);
  if (v.projected) return projectedVolumePath(podDir, v.name);
  return undefined;
}

function requireObjects(ctx: PodVolumesContext, kind: string): ObjectSource {
  if (!ctx.objects) throw new VolumeSetUpError(`cannot set up ${kind} volume: no API server to read it from`);
  return ctx.objects;
}

function projectionObjects(
  ctx: PodVolumesContext,
  tokens: ReadonlyMap<ServiceAccountTokenProjection, string | Error>,
): ProjectionObjects {
  const namespace = namespaceOf(ctx.pod);
  return {
    configMap: (name) => requireObjects(ctx, 'configMap').configMap(namespace, name),
    secret: (name) => requireObjects(ctx, 'secret').secret(namespace, name),
    serviceAccountToken(projection) {
      const token = tokens.get(projection);
      if (typeof token === 'string') return token;
      throw new VolumeSetUpError(token?.message ?? 'no service account token');
    },
  };
}

/**
 * The token of each serviceAccountToken source, bound to the pod (projected.go collectData asks the kubelet's
 * token manager, which answers from its cache until the token is due for renewal). A failure is kept as the
 * source's error, reported with the volume's other failures.
 */
async function projectedTokens(
  ctx: PodVolumesContext,
  source: ProjectedVolumeSource,
): Promise<Map<ServiceAccountTokenProjection, string | Error>> {
  const tokens = new Map<ServiceAccountTokenProjection, string | Error>();
  const meta = ctx.pod.metadata ?? {};
  for (const s of source.sources ?? []) {
    const projection = s.serviceAccountToken;
    if (projection === undefined) continue;
    if (ctx.tokens === undefined) {
      tokens.set(projection, new VolumeSetUpError('cannot request a service account token: no API server'));
      continue;
    }
    try {
      const issued = await ctx.tokens({
        namespace: namespaceOf(ctx.pod),
        serviceAccountName: ctx.pod.spec?.serviceAccountName ?? 'default',
        audiences: projection.audience ? [projection.audience] : [],
        expirationSeconds: projection.expirationSeconds ?? 3600,
        pod: { name: meta.name ?? '', uid: meta.uid ?? '' },
      });
      tokens.set(projection, issued.token);
    } catch (err) {
      tokens.set(projection, err instanceof Error ? err : new Error(String(err)));
    }
  }
  return tokens;
}

function namespaceOf(pod: Pod): string {
  return pod.metadata?.namespace ?? 'default';
}

/** min(node memory, pod memory limit when set, sizeLimit when set) (pkg/volume/emptydir calculateEmptyDirMemorySize). */
function memoryVolumeSize(pod: Pod, sizeLimit: string | undefined): number {
  let size = totalmem();
  const podLimit = podCgroupValues(pod).memoryLimit;
  if (podLimit > 0) size = Math.min(size, podLimit);
  if (sizeLimit) size = Math.min(size, Number(quantityToBytes(parseQuantity(sizeLimit))));
  return size;
}
