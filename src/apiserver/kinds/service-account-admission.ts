// The ServiceAccount admission plugin on pod create (plugin/pkg/admission/serviceaccount/admission.go): the default
// service account, the refusal of one that does not exist, its image pull secrets, and the projected
// `kube-api-access-*` volume mounted in every container unless automounting is turned off.
import type { Pod, ServiceAccount, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { StoredObject } from '../../api/object.js';
import { generatedName } from '../object-meta.js';
import { forbidden } from '../status.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const API_ACCESS_VOLUME_PREFIX = 'kube-api-access-';
export const API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
/** The lifetime admission asks for: kube-apiserver recognises it to extend the token (see service-account-tokens.ts). */
const TOKEN_EXPIRATION_SECONDS = 3607;

/** Mutates a pod being created; throws a 403 when its service account does not exist. */
export function admitServiceAccount(pod: Pod, serviceAccounts: readonly StoredObject[]): void {
  const spec = pod.spec ?? { containers: [] };
  spec.serviceAccountName ||= DEFAULT_SERVICE_ACCOUNT;
  spec.serviceAccount = spec.serviceAccountName;
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = spec.serviceAccountName;
  const sa = serviceAccounts.find(
    (o) => o.metadata.namespace === namespace && o.metadata.name === name,
  ) as unknown as ServiceAccount | undefined;
  if (sa === undefined) {
    throw forbidden(
      'pods',
      pod.metadata?.name ?? '',
      `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`,
    );
  }
  const pullSecrets = sa.imagePullSecrets ?? [];
  if ((spec.imagePullSecrets ?? []).length === 0 && pullSecrets.length > 0) {
    spec.imagePullSecrets = pullSecrets.map((s) => ({ ...s }));
  }
  // shouldAutomount: the pod's setting wins over the service account's; both unset means mount.
  if ((spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true) === false) return;
  mountApiAccess(pod);
}

/**
 * Every init and regular container mounts the API access volume read-only, unless it already mounts something at
 * the token path; a volume already named `kube-api-access-*` is reused (mountServiceAccountToken).
 */
function mountApiAccess(pod: Pod): void {
  const spec = pod.spec ?? { containers: [] };
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(API_ACCESS_VOLUME_PREFIX));
  const volumeName = existing?.name ?? generatedName(API_ACCESS_VOLUME_PREFIX);
  const mount: VolumeMount = { name: volumeName, readOnly: true, mountPath: API_TOKEN_MOUNT_PATH };
  let needed = false;
  // A pod without containers still reaches validation, which reports it (Required value), not a TypeError.
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const mounts = container.volumeMounts ?? [];
    if (mounts.some((m) => m.mountPath === API_TOKEN_MOUNT_PATH)) continue;
    container.volumeMounts = [...mounts, { ...mount }];
    needed = true;
  }
  if (needed && existing === undefined) spec.volumes = [...(spec.volumes ?? []), apiAccessVolume(volumeName)];
}

/** TokenVolumeSource: the token, the cluster CA and the namespace, all 0644. */
function apiAccessVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIG_MAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}
