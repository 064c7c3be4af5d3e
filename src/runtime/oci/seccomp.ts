// The seccomp filter of a container or sandbox: the kubelet picks the profile (kuberuntime helpers.go
// getSeccompProfile / fieldSeccompProfile: the container's field, else the pod's, else Unconfined as long as the
// kubelet's seccompDefault is off) and containerd turns it into the OCI filter (internal/cri/sputil/seccomp_linux.go
// GenerateSeccompSpecOpts, contrib/seccomp WithProfile / WithDefaultProfile).
import { readFile } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import type { Container, Pod, SeccompProfile } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError } from './errors.js';
import { runtimeDefaultProfile } from './seccomp-profile.js';
import { effectiveSecurityContext } from './security-context.js';
import type { Seccomp } from './types.js';

export interface SeccompInput {
  /** The effective profile; absent means Unconfined. */
  profile: SeccompProfile | undefined;
  /** containerd sets no filter on a privileged container (or a sandbox of a pod with one). */
  privileged: boolean;
  /** The process's bounding capabilities: RuntimeDefault allows the syscalls they unlock. */
  bounding: readonly string[];
  /** The Localhost profile, read by `loadLocalhostSeccomp`; required when the profile is Localhost. */
  localhost?: Seccomp | undefined;
}

/** Where Localhost profiles live: `<data-dir>/seccomp`, as the kubelet's are under `<root-dir>/seccomp`. */
export function seccompProfileRoot(dataDir: string): string {
  return join(dataDir, 'seccomp');
}

/** The fields of runtime-spec LinuxSeccomp, the format a Localhost profile file is decoded into. */
const SECCOMP_FIELDS = [
  'defaultAction',
  'defaultErrnoRet',
  'architectures',
  'flags',
  'listenerPath',
  'listenerMetadata',
  'syscalls',
] as const;

/** The OCI filter, or undefined for none (Unconfined, privileged). */
export function seccompFilter(input: SeccompInput): Seccomp | undefined {
  if (input.privileged) return undefined;
  switch (input.profile?.type) {
    case 'RuntimeDefault':
      return runtimeDefaultProfile(input.bounding);
    case 'Localhost':
      if (!input.localhost) throw new Error('the Localhost seccomp profile was not loaded');
      return input.localhost;
    default:
      return undefined;
  }
}

/**
 * The profile and privilege that decide a filter: the container's effective ones, or for the sandbox the pod's
 * profile and whether any container is privileged (kubelet generatePodSandboxLinuxConfig).
 */
export function seccompSubject(
  pod: Pod,
  container: Container | undefined,
): { profile: SeccompProfile | undefined; privileged: boolean } {
  if (!container) {
    return { profile: pod.spec?.securityContext?.seccompProfile, privileged: podHasPrivilegedContainer(pod) };
  }
  const sc = effectiveSecurityContext(pod, container);
  return { profile: sc.seccompProfile, privileged: sc.privileged };
}

/** kubelet HasPrivilegedContainer: the sandbox is privileged when any container of the pod is. */
export function podHasPrivilegedContainer(pod: Pod): boolean {
  const spec = pod.spec;
  const all = [
    ...(spec?.initContainers ?? []),
    ...(spec?.containers ?? []),
    ...(spec?.ephemeralContainers ?? []),
  ];
  return all.some((c) => c.securityContext?.privileged === true);
}

/**
 * Reads the Localhost profile `<profileRoot>/<localhostProfile>` of a container (or, without one, of the pod's
 * sandbox) when its effective profile is one and it is not privileged (containerd reads nothing then).
 */
export async function loadLocalhostSeccomp(
  pod: Pod,
  container: Container | undefined,
  profileRoot: string,
): Promise<Seccomp | undefined> {
  const { profile, privileged } = seccompSubject(pod, container);
  if (privileged || profile?.type !== 'Localhost') return undefined;
  const name = profile.localhostProfile ?? '';
  if (name === '') {
    throw new ContainerConfigError('localhostProfile must be set if seccompProfile type is Localhost.', {
      reason: 'CreateContainerConfigError',
    });
  }
  const path = join(profileRoot, name);
  const inside = relative(profileRoot, path);
  // API validation forbids `..` in localhostProfile; a pod written around it must still not read outside the root.
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new ContainerConfigError(`localhostProfile "${name}" must not leave the seccomp profile root`, {
      reason: 'CreateContainerConfigError',
    });
  }
  return readProfileFile(path);
}

/** containerd WithProfile, whose errors surface through NewContainer ("failed to create containerd container"). */
async function readProfileFile(path: string): Promise<Seccomp> {
  const prefix = 'failed to create containerd container:';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const quoted = JSON.stringify(path);
    throw new ContainerConfigError(
      `${prefix} cannot load seccomp profile ${quoted}: ${goFileError(e, path)}`,
      {
        cause: e,
      },
    );
  }
  try {
    return decodeSeccomp(JSON.parse(text) as unknown);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new ContainerConfigError(
      `${prefix} decoding seccomp profile failed ${JSON.stringify(path)}: ${detail}`,
      {
        cause: e,
      },
    );
  }
}

/** Keeps the LinuxSeccomp fields, as Go's json.Unmarshal into the struct does; runc validates the values. */
function decodeSeccomp(value: unknown): Seccomp {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('json: cannot unmarshal into Go value of type specs.LinuxSeccomp');
  }
  const source = value as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const field of SECCOMP_FIELDS) if (source[field] !== undefined) picked[field] = source[field];
  return picked as unknown as Seccomp;
}

/** How Go's os.ReadFile words the common failures. */
function goFileError(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `open ${path}: no such file or directory`;
  if (code === 'EISDIR') return `read ${path}: is a directory`;
  if (code === 'EACCES') return `open ${path}: permission denied`;
  return `open ${path}: ${e instanceof Error ? e.message : String(e)}`;
}
