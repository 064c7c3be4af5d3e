// The kubelet's AppArmor check (pkg/security/apparmor/validate.go, lifecycle.NewAppArmorAdmitHandler). It is a
// soft admission: a pod it refuses is not failed but held Pending, its containers waiting as `Blocked`, until the
// host can enforce what the pod asks for (kubelet.go SyncPod canRunPod).
import type { Pod } from 'kubernetes-types/core/v1.js';
import { appArmorRequired, effectiveAppArmorProfile } from '../api/apparmor.js';
import type { AppArmorHost } from '../runtime/oci/apparmor.js';
import type { PodFailure } from './status/facts.js';

export const APPARMOR_REASON = 'AppArmor';

/** Why the pod may not run on this host, or undefined when it may. */
export function appArmorBlock(pod: Pod, host: AppArmorHost): PodFailure | undefined {
  if (!appArmorRequired(pod)) return undefined;
  const refuse = (why: string) => ({ reason: APPARMOR_REASON, message: `Cannot enforce AppArmor: ${why}` });
  if (!host.enabled) return refuse('AppArmor is not enabled on the host');
  const spec = pod.spec;
  const containers = [
    ...(spec?.initContainers ?? []),
    ...(spec?.containers ?? []),
    ...(spec?.ephemeralContainers ?? []),
  ];
  for (const container of containers) {
    const profile = effectiveAppArmorProfile(pod, container);
    if (profile?.type === 'Localhost' && (profile.localhostProfile ?? '').trim() === '') {
      return refuse(`invalid empty AppArmor profile name: ${JSON.stringify(profile)}`);
    }
  }
  return undefined;
}
