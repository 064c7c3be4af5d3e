// The OCI config of one container, as the kubelet's CreateContainer request turns into one in containerd's CRI
// plugin (internal/cri/server/container_create.go buildLinuxSpec, container_create_linux.go containerSpecOpts).
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerCgroupValues } from '../../api/resources.js';
import type { ImageConfig } from '../../image/types.js';
import { hugetlbLimits } from '../hugepages.js';
import { containerCapabilities } from './capabilities.js';
import {
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
  OCI_VERSION,
  allDevicesAllowed,
  defaultDeviceRules,
} from './defaults.js';
import { restrictOomScoreAdj } from './host-oom-score.js';
import { inheritedRlimits } from './host-rlimits.js';
import { makeSysWritable, mergeMounts } from './mounts.js';
import { processArgs, processEnv, type EnvVar } from './process.js';
import { seccompFilter } from './seccomp.js';
import { effectiveSecurityContext, type EffectiveSecurityContext } from './security-context.js';
import type {
  Capabilities,
  Linux,
  LinuxDevice,
  LinuxResources,
  Mount,
  Namespace,
  Process,
  Rlimit,
  Seccomp,
  Spec,
} from './types.js';
import { resolveContainerUser, verifyRunAsNonRoot } from './user.js';
import { appArmorProcessProfile, type AppArmorHost } from './apparmor.js';
import { effectiveAppArmorProfile } from '../../api/apparmor.js';
import type { UserNamespace } from '../types.js';
import { idMappings } from '../userns.js';

export { ContainerConfigError } from './errors.js';
export { stopSignal } from './stop-signal.js';

/** Paths of the namespaces a container joins; without `pid` it gets a PID namespace of its own. */
export interface ContainerNamespaces {
  network: string;
  ipc: string;
  uts: string;
  pid?: string;
}

export interface ContainerSpecInput {
  /** Already defaulted by the API layer. */
  pod: Pod;
  container: Container;
  image: { config: ImageConfig };
  /** Absolute path of the mounted root filesystem. */
  rootfs: string;
  /** Contents of the image's /etc/passwd and /etc/group, when it has them. */
  etcPasswd?: string | undefined;
  etcGroup?: string | undefined;
  hostname: string;
  /** Namespaces of the sandbox to join; `pid` only when the pod shares its process namespace. */
  namespaces: ContainerNamespaces;
  /** The pod's user namespace, joined at `path`, with its mapping (runc wants both). */
  userns?: { path: string; ids: UserNamespace } | undefined;
  /** A private cgroup namespace (containerd uses one on cgroup v2 only). */
  cgroupNamespace: boolean;
  /** Volumes, /etc/hosts, resolv.conf, hostname, /dev/shm, termination log; one on a default destination replaces it. */
  mounts: Mount[];
  cgroupsPath: string;
  /** cgroup v1 terms; -1 means no quota / no memory limit. */
  resources: ContainerCgroupValues;
  /** Huge page sizes the hugetlb controller limits here (HostFacts.hugetlbPageSizes). */
  hugetlbPageSizes?: readonly bigint[] | undefined;
  oomScoreAdj: number;
  /** readOomScoreAdjFloor: set when this process may not lower oom_score_adj below its own. */
  oomScoreAdjFloor?: number | undefined;
  hostRlimits: readonly Rlimit[];
  /** The daemon's effective capabilities (readHostCapabilities): what "all capabilities" means on this host. */
  hostCapabilities: readonly string[];
  /** The kubelet's env (env, envFrom, valueFrom, service links), already resolved, in order. */
  extraEnv?: EnvVar[];
  /** The effective Localhost seccomp profile, read by loadLocalhostSeccomp; needed only for that type. */
  localhostSeccomp?: Seccomp | undefined;
  /** The host's devices (readHostDevices), for a privileged container. */
  hostDevices?: LinuxDevice[] | undefined;
  /** What the host has of AppArmor (readAppArmorHost); absent means none. */
  appArmor?: AppArmorHost | undefined;
}

/**
 * Throws ContainerConfigError when the container cannot run (no command, unknown user...), first for what the
 * kubelet checks itself (runAsNonRoot).
 */
export function buildContainerSpec(input: ContainerSpecInput): Spec {
  const sc = effectiveSecurityContext(input.pod, input.container);
  const meta = input.pod.metadata ?? {};
  verifyRunAsNonRoot({
    runAsNonRoot: sc.runAsNonRoot,
    runAsUser: sc.runAsUser,
    imageUser: input.image.config.User,
    pod: `${meta.name ?? ''}_${meta.namespace ?? ''}(${meta.uid ?? ''})`,
    container: input.container.name,
  });
  const mounts = mergeMounts(input.mounts);
  const capabilities = containerCapabilities(sc.capabilities, sc.privileged, input.hostCapabilities);
  const seccomp = seccompFilter({
    profile: sc.seccompProfile,
    privileged: sc.privileged,
    bounding: capabilities.bounding ?? [],
    localhost: input.localhostSeccomp,
  });
  return {
    ociVersion: OCI_VERSION,
    process: containerProcess(input, sc, capabilities),
    root: { path: input.rootfs, ...(sc.readOnlyRootFilesystem ? { readonly: true } : {}) },
    mounts: sc.privileged ? makeSysWritable(mounts) : mounts,
    annotations: {
      'io.kubernetes.pod.name': meta.name ?? '',
      'io.kubernetes.pod.namespace': meta.namespace ?? '',
      'io.kubernetes.pod.uid': meta.uid ?? '',
      'io.kubernetes.container.name': input.container.name,
    },
    linux: { ...containerLinux(input, sc), ...(seccomp ? { seccomp } : {}) },
  };
}

function containerProcess(
  input: ContainerSpecInput,
  sc: EffectiveSecurityContext,
  capabilities: Capabilities,
): Process {
  const { container, image } = input;
  const env = input.extraEnv ?? [];
  const tty = container.tty === true;
  return {
    ...(tty ? { terminal: true } : {}),
    user: resolveContainerUser({
      runAsUser: sc.runAsUser,
      runAsGroup: sc.runAsGroup,
      imageUser: image.config.User,
      etcPasswd: input.etcPasswd,
      etcGroup: input.etcGroup,
      supplementalGroups: sc.supplementalGroups,
      mergeImageGroups: sc.mergeImageGroups,
    }),
    args: processArgs(container, image.config, env),
    env: processEnv({ imageEnv: image.config.Env ?? [], env, hostname: input.hostname, tty }),
    cwd: container.workingDir || image.config.WorkingDir || '/',
    capabilities,
    rlimits: inheritedRlimits(input.hostRlimits),
    ...(sc.noNewPrivileges ? { noNewPrivileges: true } : {}),
    ...appArmorField(input, sc.privileged),
    oomScoreAdj: restrictOomScoreAdj(input.oomScoreAdj, input.oomScoreAdjFloor),
  };
}

function appArmorField(input: ContainerSpecInput, privileged: boolean): { apparmorProfile?: string } {
  if (input.appArmor === undefined) return {};
  const profile = effectiveAppArmorProfile(input.pod, input.container);
  const name = appArmorProcessProfile(profile, privileged, input.appArmor);
  return name === undefined ? {} : { apparmorProfile: name };
}

/**
 * Privileged containers get no masked or read-only paths; procMount Unmasked sends empty lists. The cgroup
 * namespace is skipped for privileged containers, as containerd does for compatibility.
 */
function containerLinux(input: ContainerSpecInput, sc: EffectiveSecurityContext): Linux {
  const procMasked = !sc.privileged && !sc.unmaskedProc;
  const ns = input.namespaces;
  const namespaces: Namespace[] = [
    ...(input.userns ? [{ type: 'user', path: input.userns.path } as const] : []),
    { type: 'pid', ...(ns.pid === undefined ? {} : { path: ns.pid }) },
    { type: 'ipc', path: ns.ipc },
    { type: 'uts', path: ns.uts },
    { type: 'mount' },
    { type: 'network', path: ns.network },
    ...(input.cgroupNamespace && !sc.privileged ? [{ type: 'cgroup' } as const] : []),
  ];
  return {
    resources: containerResources(input.resources, sc.privileged, input.hugetlbPageSizes ?? []),
    cgroupsPath: input.cgroupsPath,
    namespaces,
    ...(sc.privileged && input.hostDevices ? { devices: input.hostDevices } : {}),
    ...(input.userns
      ? { uidMappings: idMappings(input.userns.ids), gidMappings: idMappings(input.userns.ids) }
      : {}),
    ...(procMasked
      ? { maskedPaths: [...DEFAULT_MASKED_PATHS], readonlyPaths: [...DEFAULT_READONLY_PATHS] }
      : {}),
  };
}

/**
 * containerd WithResources: zero and -1 (podlet's "none") leave a value out. The memory+swap limit equals the memory
 * limit, so the container cannot swap (kubelet NoSwap; containerd's default when a swap controller exists).
 * Privileged containers may use any device (their spec also lists the host's device nodes).
 */
function containerResources(
  r: ContainerCgroupValues,
  privileged: boolean,
  hugetlbPageSizes: readonly bigint[],
): LinuxResources {
  return {
    devices: privileged ? allDevicesAllowed() : defaultDeviceRules(),
    ...(r.memoryLimit > 0 ? { memory: { limit: r.memoryLimit, swap: r.memoryLimit } } : {}),
    cpu: {
      ...(r.cpuShares > 0 ? { shares: r.cpuShares } : {}),
      ...(r.cpuQuota > 0 ? { quota: r.cpuQuota } : {}),
      ...(r.cpuPeriod > 0 ? { period: r.cpuPeriod } : {}),
    },
    // containerd's WithHugepageLimits: the kubelet's list holds every page size, 0 for those not asked for.
    ...(hugetlbPageSizes.length > 0
      ? { hugepageLimits: hugetlbLimits(hugetlbPageSizes, r.hugePageLimits) }
      : {}),
  };
}
