// Pods with `hostUsers: false` get a user namespace of their own: 65536 IDs mapped from a host range no other pod
// of this podlet holds, as the kubelet's user namespace manager allocates them (pkg/kubelet/userns: ranges of
// 65536 starting at a multiple of 65536, the first range kept for the host). Their image layers are seen through
// idmapped mounts, so the layers' root is the pod's root without copying or chowning a file.
import { run } from '../util/exec.js';
import { nativeBinary } from '../util/native.js';
import type { IdMapping } from './oci/types.js';
import type { UserNamespace } from './types.js';

export const USERNS_SIZE = 65536;
/**
 * The mode of the directories on the way to a pod's files when the pod has its own user namespace: traversable, not
 * listable. Its root owns none of them, and runc, inside that namespace, must still reach the root filesystem and
 * the volumes (containerd gives its state directories 0711 for the same reason).
 */
export const TRAVERSABLE_DIR = 0o711;
/** Host IDs below this stay the host's; 2^32 / 65536 ranges in all. */
const FIRST_RANGE = 1;
const RANGES = 65536;

export class UserNamespaceExhaustedError extends Error {
  constructor() {
    super(`no free range of ${USERNS_SIZE} host IDs left for a pod user namespace`);
    this.name = 'UserNamespaceExhaustedError';
  }
}

/** The lowest range whose first host ID is not taken. */
export function allocateUserNamespace(taken: ReadonlySet<number>): UserNamespace {
  for (let range = FIRST_RANGE; range < RANGES; range++) {
    const hostId = range * USERNS_SIZE;
    if (!taken.has(hostId)) return { hostId, size: USERNS_SIZE };
  }
  throw new UserNamespaceExhaustedError();
}

/** The same mapping for users and groups, container ID 0 upwards. */
export function idMappings(userns: UserNamespace): IdMapping[] {
  return [{ containerID: 0, hostID: userns.hostId, size: userns.size }];
}

const IDMAP_MOUNT = nativeBinary('idmap-mount');

/** Mounts a clone of `source` at `target`, its IDs mapped through the user namespace at `usernsPath`. */
export async function idmapMount(usernsPath: string, source: string, target: string): Promise<void> {
  await run(IDMAP_MOUNT, [usernsPath, source, target], { timeoutMs: 30_000 });
}
