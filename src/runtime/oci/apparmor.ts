// Which AppArmor profile a container's process gets, as containerd's CRI chooses it
// (pkg/cri/server/container_create_linux.go generateApparmorSpecOpts): nothing on a host without AppArmor;
// Unconfined runs unconfined; Localhost names a profile the host has loaded; RuntimeDefault, and no profile at all,
// get the runtime's default profile, except for privileged containers. podlet's default profile is
// `podlet-default` (contrib/apparmor/podlet-default), loaded by the host's administrator.
import { readFile } from 'node:fs/promises';
import type { AppArmorProfile } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError } from './errors.js';

export const DEFAULT_APPARMOR_PROFILE = 'podlet-default';

export interface AppArmorHost {
  enabled: boolean;
  /** Names of the loaded profiles (/sys/kernel/security/apparmor/profiles). */
  loaded: ReadonlySet<string>;
}

const SECURITYFS = '/sys/kernel/security/apparmor';

/** runc's IsEnabled: the securityfs directory exists and the module says Y. */
export async function readAppArmorHost(): Promise<AppArmorHost> {
  const enabled = await readFile('/sys/module/apparmor/parameters/enabled', 'utf8').then(
    (text) => text.startsWith('Y'),
    () => false,
  );
  if (!enabled) return { enabled: false, loaded: new Set() };
  const profiles = await readFile(`${SECURITYFS}/profiles`, 'utf8').catch(() => undefined);
  if (profiles === undefined) return { enabled: false, loaded: new Set() };
  // One profile per line: `name (mode)`.
  const loaded = profiles.split('\n').flatMap((line) => {
    const mode = line.lastIndexOf(' (');
    return mode > 0 ? [line.slice(0, mode)] : [];
  });
  return { enabled: true, loaded: new Set(loaded) };
}

/** The OCI `process.apparmorProfile`, or undefined for none; throws when the profile is not loaded. */
export function appArmorProcessProfile(
  profile: AppArmorProfile | undefined,
  privileged: boolean,
  host: AppArmorHost,
): string | undefined {
  if (!host.enabled || profile?.type === 'Unconfined') return undefined;
  if (profile?.type === 'Localhost') {
    const name = profile.localhostProfile ?? '';
    if (!host.loaded.has(name)) throw new ContainerConfigError(`apparmor profile not found ${name}`);
    return name;
  }
  if (privileged) return undefined;
  if (host.loaded.has(DEFAULT_APPARMOR_PROFILE)) return DEFAULT_APPARMOR_PROFILE;
  // Asked for by name, the default must be there; left unset, the container runs as it would without AppArmor.
  if (profile?.type === 'RuntimeDefault') {
    throw new ContainerConfigError(
      `failed to load default apparmor profile: profile ${JSON.stringify(DEFAULT_APPARMOR_PROFILE)} is not loaded (apparmor_parser -r contrib/apparmor/${DEFAULT_APPARMOR_PROFILE})`,
    );
  }
  return undefined;
}
