// How the kubelet pulls: from the registry with the node's credentials (`--registry-config`) overlaid by the pod's
// imagePullSecrets, which win for the registries they name (kubelet keyring order: pod secrets, then node).
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RegistryClient } from '../image/registry/client.js';
import type { CredentialMap } from '../image/registry/docker-config.js';
import { pullImage } from '../image/registry/pull.js';
import type { ImageStore } from '../image/store.js';
import type { ImagePuller } from './image-manager.js';

export interface RegistryPullerOptions {
  store: ImageStore;
  insecureRegistries: readonly string[];
  nodeCredentials: CredentialMap;
  /** The credentials of the pod's imagePullSecrets; none without an API server. */
  podCredentials?: (pod: Pod) => Promise<CredentialMap>;
  /** A pull that receives nothing for this long fails (RegistryClientOptions.progressTimeoutMs). */
  progressTimeoutMs?: number;
}

export function registryPuller(options: RegistryPullerOptions): ImagePuller {
  return async (reference, pod) => {
    const fromPod = options.podCredentials ? await options.podCredentials(pod) : new Map();
    const client = new RegistryClient({
      insecureRegistries: options.insecureRegistries,
      credentials: new Map([...options.nodeCredentials, ...fromPod]),
      ...(options.progressTimeoutMs === undefined ? {} : { progressTimeoutMs: options.progressTimeoutMs }),
    });
    return pullImage(options.store, client, reference);
  };
}
