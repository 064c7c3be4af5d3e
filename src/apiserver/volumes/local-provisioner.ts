// podlet's built-in provisioner: a volume is a directory `<data-dir>/volumes/pvc-<claim uid>` on this node,
// served as a `local` PersistentVolume pinned to the node, as rancher's local-path-provisioner does with its
// `local` volume type. Capacity is recorded, not enforced (the directory shares the data dir's filesystem).
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../../api/object.js';
import {
  BOUND_BY_CONTROLLER_ANNOTATION,
  PROVISIONED_BY_ANNOTATION,
  claimReference,
} from '../../api/volume-binding.js';
import { ensureDir, removeTree } from '../../util/fs.js';

export const LOCAL_PROVISIONER = 'podlet.io/local';
/** The node label the volume's node affinity names (the Node object carries it). */
const HOSTNAME_LABEL = 'kubernetes.io/hostname';
// One node's directory serves one node's pods: the modes local-path-provisioner accepts for it.
const SUPPORTED_ACCESS_MODES = ['ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_NAME = /^pvc-[0-9a-f-]{36}$/;

export class ProvisioningError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProvisioningError';
  }
}

export interface LocalProvisionerOptions {
  /** Absolute: the path is written into each volume. */
  volumesDir: string;
  nodeName: string;
}

export class LocalProvisioner {
  constructor(private readonly options: LocalProvisionerOptions) {}

  /** Why this provisioner cannot make a volume for the claim (pv_controller's in-tree checks), if it cannot. */
  refusal(claim: PersistentVolumeClaim, sc: StorageClass): string | undefined {
    const prefix = `Failed to provision volume with StorageClass "${sc.metadata?.name ?? ''}": `;
    const selector = claim.spec?.selector;
    if (selector && (selector.matchLabels || selector.matchExpressions))
      return `${prefix}claim Selector is not supported`;
    const modes = claim.spec?.accessModes ?? [];
    if (!modes.every((m) => SUPPORTED_ACCESS_MODES.includes(m)))
      return `${prefix}invalid AccessModes [${modes.join(' ')}]: only AccessModes [${SUPPORTED_ACCESS_MODES.join(' ')}] are supported`;
    if ((claim.spec?.volumeMode ?? 'Filesystem') !== 'Filesystem')
      return `${prefix}volumeMode ${claim.spec?.volumeMode ?? ''} is not supported`;
    return undefined;
  }

  /** Makes the claim's directory (again, after a crash) and returns the volume to store. */
  async provision(claim: PersistentVolumeClaim, sc: StorageClass): Promise<PersistentVolume & KubeObject> {
    const name = `pvc-${claim.metadata?.uid ?? ''}`;
    const path = this.pathOf(name);
    try {
      await ensureDir(this.options.volumesDir, 0o700);
      await mkdir(path, { recursive: true });
      // As local-path-provisioner: any container user may write (no fsGroup needed); the 0700 data dir above
      // keeps host users out, and containers reach the directory only through their bind mount.
      await chmod(path, 0o777);
    } catch (e) {
      throw new ProvisioningError(`cannot create ${path}: ${(e as Error).message}`, { cause: e });
    }
    return provisionedVolume(claim, sc, path, this.options.nodeName);
  }

  /**
   * Removes a released volume's directory. The path is derived from the volume's name, never read from its spec,
   * so that a volume object naming another path cannot make podlet delete it.
   */
  async delete(volume: PersistentVolume): Promise<void> {
    const name = volume.metadata?.name ?? '';
    const path = this.pathOf(name);
    if (!VOLUME_NAME.test(name) || volume.spec?.local?.path !== path)
      throw new ProvisioningError(`volume ${name} is not a directory ${LOCAL_PROVISIONER} made (${path})`);
    try {
      await removeTree(path);
    } catch (e) {
      throw new ProvisioningError(`cannot remove ${path}: ${(e as Error).message}`, { cause: e });
    }
  }

  pathOf(volumeName: string): string {
    return join(this.options.volumesDir, volumeName);
  }
}

/**
 * The volume provisionClaimOperation stores: named after the claim's UID, pre-bound to the claim, with the
 * class's reclaim policy and mount options and the claim's request, modes and volume mode.
 */
export function provisionedVolume(
  claim: PersistentVolumeClaim,
  sc: StorageClass,
  path: string,
  nodeName: string,
): PersistentVolume & KubeObject {
  const spec = claim.spec ?? {};
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: `pvc-${claim.metadata?.uid ?? ''}`,
      annotations: {
        [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes',
        [PROVISIONED_BY_ANNOTATION]: LOCAL_PROVISIONER,
      },
    },
    spec: {
      accessModes: [...(spec.accessModes ?? [])],
      capacity: { storage: spec.resources?.requests?.['storage'] ?? '0' },
      claimRef: claimReference(claim),
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata?.name ?? '',
      volumeMode: spec.volumeMode ?? 'Filesystem',
      ...(sc.mountOptions ? { mountOptions: [...sc.mountOptions] } : {}),
      local: { path },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [nodeName] }] },
          ],
        },
      },
    },
  };
}
