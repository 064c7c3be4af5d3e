// The OCI config of a pod's sandbox ("pause") container, shaped as containerd's CRI plugin shapes it
// (internal/cri/server/podsandbox/sandbox_run_linux.go sandboxContainerSpec, sandboxContainerSpecOpts), with catatonit
// in pause mode in place of the pause image.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { capabilitySets } from './capabilities.js';
import {
  DEFAULT_CAPABILITIES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_PATH,
  DEFAULT_READONLY_PATHS,
  OCI_VERSION,
  defaultDeviceRules,
  defaultMounts,
} from './defaults.js';
import { restrictOomScoreAdj } from './host-oom-score.js';
import { inheritedRlimits } from './host-rlimits.js';
import { seccompFilter, seccompSubject } from './seccomp.js';
import { dotSeparatedSysctl } from './sysctl-name.js';
import { podSupplementalGroups } from './security-context.js';
import { makeSysWritable } from './mounts.js';
import type { Mount, Namespace, Rlimit, Seccomp, Spec, User } from './types.js';
import type { PinnedNamespaces } from '../pinned-namespaces.js';
import type { UserNamespace } from '../types.js';
import { idMappings } from '../userns.js';
import { sortedUnique } from './user.js';

export interface SandboxSpecInput {
  pod: Pod;
  hostname: string;
  /** A directory holding /catatonit. */
  rootfs: string;
  /** The network namespace podlet set up; unused for a hostNetwork pod and one with its own user namespace. */
  netnsPath: string;
  /**
   * The pod's user namespace (`hostUsers: false`), which runc creates; the network namespace is then made inside it
   * too, by runc, so that the pod's root owns it (sysfs can be mounted) and podlet wires it up afterwards.
   */
  userns?: UserNamespace | undefined;
  /** The IPC and UTS namespaces podlet pinned for the pod, which the sandbox joins instead of making its own. */
  pinnedNamespaces?: PinnedNamespaces | undefined;
  cgroupsPath: string;
  hostRlimits: readonly Rlimit[];
  /** -998 (kubelet qos/policy.go PodInfraOOMAdj). */
  oomScoreAdj: number;
  /** readOomScoreAdjFloor: set when this process may not lower oom_score_adj below its own. */
  oomScoreAdjFloor?: number | undefined;
  /** The pod's Localhost seccomp profile, read by loadLocalhostSeccomp; needed only for that type. */
  localhostSeccomp?: Seccomp | undefined;
}

/** The pause image runs as `USER 65535:65535` (kubernetes build/pause/Dockerfile). */
const PAUSE_ID = 65535;
/** containerd's DefaultSandboxCPUshares. */
const SANDBOX_CPU_SHARES = 2;

/**
 * The sandbox owns the pod's IPC, UTS and PID namespaces (containers join the PID one only when the pod shares it),
 * or joins the IPC and UTS ones podlet pinned, and joins the network namespace podlet set up. It keeps containerd's default capabilities, masked paths and
 * no_new_privs, takes the pod's sysctls, which act on the namespaces it owns, and the pod-level seccomp profile.
 */
export function buildSandboxSpec(input: SandboxSpecInput): Spec {
  const meta = input.pod.metadata ?? {};
  const hostNetwork = input.pod.spec?.hostNetwork === true;
  const seccomp = seccompFilter({
    ...seccompSubject(input.pod, undefined),
    bounding: DEFAULT_CAPABILITIES,
    localhost: input.localhostSeccomp,
  });
  return {
    ociVersion: OCI_VERSION,
    process: {
      user: sandboxUser(input.pod),
      args: ['/catatonit', '-P'],
      env: [DEFAULT_PATH],
      cwd: '/',
      capabilities: capabilitySets(DEFAULT_CAPABILITIES),
      rlimits: inheritedRlimits(input.hostRlimits),
      noNewPrivileges: true,
      oomScoreAdj: restrictOomScoreAdj(input.oomScoreAdj, input.oomScoreAdjFloor),
    },
    root: { path: input.rootfs, readonly: true },
    // The host's UTS namespace keeps the host's name (runc refuses a hostname without a UTS namespace).
    ...(hostNetwork ? {} : { hostname: input.hostname }),
    mounts: sandboxMounts(input.pod),
    annotations: {
      'io.kubernetes.pod.name': meta.name ?? '',
      'io.kubernetes.pod.namespace': meta.namespace ?? '',
      'io.kubernetes.pod.uid': meta.uid ?? '',
    },
    linux: {
      sysctl: sandboxSysctls(input.pod, input.userns),
      resources: { devices: defaultDeviceRules(), cpu: { shares: SANDBOX_CPU_SHARES } },
      cgroupsPath: input.cgroupsPath,
      namespaces: sandboxNamespaces(input),
      ...(input.userns
        ? { uidMappings: idMappings(input.userns), gidMappings: idMappings(input.userns) }
        : {}),
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
      ...(seccomp ? { seccomp } : {}),
    },
  };
}

/**
 * The pause process needs no /dev/shm; containerd binds the pod's shm there only so that it exists. A pod with a
 * privileged container gets a privileged sandbox (kubelet HasPrivilegedContainer) with writable sysfs and cgroupfs:
 * the sandbox's sysfs mount comes first in the pod's network namespace, and a read-only one would make every later
 * one read-only too.
 */
function sandboxMounts(pod: Pod): Mount[] {
  const mounts = defaultMounts().filter((m) => m.destination !== '/dev/shm');
  const spec = pod.spec;
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  return containers.some((c) => c.securityContext?.privileged === true) ? makeSysWritable(mounts) : mounts;
}

/**
 * hostPID, hostIPC and hostNetwork leave out the namespace, so the sandbox stays in the host's; containers join the
 * sandbox's, hence the host's too. hostNetwork shares the host's UTS namespace as well (containerd
 * sandbox_run_linux.go sandboxContainerSpec).
 */
function namespace(type: 'ipc' | 'uts', path: string | undefined): Namespace {
  return path === undefined ? { type } : { type, path };
}

function sandboxNamespaces(input: SandboxSpecInput): Namespace[] {
  const spec = input.pod.spec;
  const hostNetwork = spec?.hostNetwork === true;
  return [
    ...(input.userns ? [{ type: 'user' } as const] : []),
    ...(spec?.hostPID === true ? [] : [{ type: 'pid' } as const]),
    ...(spec?.hostIPC === true ? [] : [namespace('ipc', input.pinnedNamespaces?.ipc)]),
    ...(hostNetwork ? [] : [namespace('uts', input.pinnedNamespaces?.uts)]),
    { type: 'mount' },
    ...(hostNetwork
      ? []
      : [
          input.userns
            ? ({ type: 'network' } as const)
            : ({ type: 'network', path: input.netnsPath } as const),
        ]),
  ];
}

/**
 * The pod's runAsUser/runAsGroup, else the pause image's user. containerd refuses a runAsGroup without a runAsUser
 * here ("user group ... is specified without user"); podlet runs the pause process as the image user with that
 * group instead of failing the pod.
 */
function sandboxUser(pod: Pod): User {
  const sc = pod.spec?.securityContext;
  const uid = sc?.runAsUser ?? PAUSE_ID;
  // A bare uid takes its gid from /etc/passwd, which the pause root does not have: gid 0 (containerd WithUserID).
  const gid = sc?.runAsGroup ?? (sc?.runAsUser === undefined ? PAUSE_ID : 0);
  return { uid, gid, additionalGids: sortedUnique([gid, ...podSupplementalGroups(pod)]) };
}

/**
 * The pod's sysctls (names with `/` separators converted to dots, as the kubelet does), plus the two containerd 2
 * enables by default in a pod network namespace: unprivileged ports from 0 and ping for every group.
 */
function sandboxSysctls(pod: Pod, userns: UserNamespace | undefined): Record<string, string> {
  const sysctls: Record<string, string> = {};
  for (const s of pod.spec?.securityContext?.sysctls ?? []) sysctls[dotSeparatedSysctl(s.name)] = s.value;
  if (pod.spec?.hostNetwork !== true) {
    sysctls['net.ipv4.ip_unprivileged_port_start'] ??= '0';
    // In a user namespace the range may name only its own groups (containerd: up to the mapping's last GID).
    sysctls['net.ipv4.ping_group_range'] ??= `0 ${userns ? userns.size - 1 : 2147483647}`;
  }
  return sysctls;
}
