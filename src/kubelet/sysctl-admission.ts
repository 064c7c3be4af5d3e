// The kubelet's sysctl admission (pkg/kubelet/sysctl/allowlist.go patternAllowlist.Admit with the safe set of
// safe_sysctls.go; namespace.go NamespacedBy). podlet has no --allowed-unsafe-sysctls: only the safe set passes.
import { release } from 'node:os';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { kernelAtLeast } from '../runtime/oci/kernel-version.js';
import { dotSeparatedSysctl } from '../runtime/oci/sysctl-name.js';
import type { PodFailure } from './status/facts.js';

export type SysctlNamespace = 'ipc' | 'net';

interface SafeSysctl {
  name: string;
  /** The kernel that made it namespaced (pkg/util/kernel/constants.go); older kernels drop it from the set. */
  kernel?: [number, number];
}

/** A sysctl is safe when it is namespaced and isolated: it cannot touch another pod on the node. */
const SAFE_SYSCTLS: readonly SafeSysctl[] = [
  { name: 'kernel.shm_rmid_forced' },
  { name: 'net.ipv4.ip_local_port_range' },
  { name: 'net.ipv4.tcp_syncookies' },
  { name: 'net.ipv4.ping_group_range' },
  { name: 'net.ipv4.ip_unprivileged_port_start' },
  { name: 'net.ipv4.ip_local_reserved_ports', kernel: [3, 16] },
  { name: 'net.ipv4.tcp_keepalive_time', kernel: [4, 5] },
  { name: 'net.ipv4.tcp_fin_timeout', kernel: [4, 6] },
  { name: 'net.ipv4.tcp_keepalive_intvl', kernel: [4, 5] },
  { name: 'net.ipv4.tcp_keepalive_probes', kernel: [4, 5] },
  { name: 'net.ipv4.tcp_rmem' },
  { name: 'net.ipv4.tcp_wmem' },
];

const NAMESPACED_EXACT: Readonly<Record<string, SysctlNamespace>> = { 'kernel.sem': 'ipc' };
const NAMESPACED_PREFIXES: readonly [string, SysctlNamespace][] = [
  ['kernel.shm', 'ipc'],
  ['kernel.msg', 'ipc'],
  ['fs.mqueue.', 'ipc'],
  ['net.', 'net'],
];

export const SYSCTL_FORBIDDEN_REASON = 'SysctlForbidden';

/** The safe sysctls this kernel (`uname -r`) namespaces. */
export function safeSysctls(kernelRelease: string = release()): string[] {
  return SAFE_SYSCTLS.filter((s) => !s.kernel || kernelAtLeast(kernelRelease, s.kernel)).map((s) => s.name);
}

/** The kernel namespace a sysctl belongs to, undefined when it is not known to be namespaced (node-level). */
export function sysctlNamespace(name: string): SysctlNamespace | undefined {
  const exact = NAMESPACED_EXACT[name];
  if (exact) return exact;
  return NAMESPACED_PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1];
}

/**
 * Undefined when every pod sysctl is allowed; else the rejection for the first that is not: outside the safe set, or
 * a net/ipc one in a pod sharing the host's network/IPC namespace, where it would change the node.
 */
export function admitSysctls(pod: Pod, allowed: readonly string[] = safeSysctls()): PodFailure | undefined {
  const spec = pod.spec;
  for (const { name } of spec?.securityContext?.sysctls ?? []) {
    const problem = sysctlProblem(
      dotSeparatedSysctl(name),
      allowed,
      spec?.hostNetwork === true,
      spec?.hostIPC === true,
    );
    if (problem) return { reason: SYSCTL_FORBIDDEN_REASON, message: `forbidden sysctl: ${problem}` };
  }
  return undefined;
}

function sysctlProblem(
  name: string,
  allowed: readonly string[],
  hostNetwork: boolean,
  hostIPC: boolean,
): string | undefined {
  if (!allowed.includes(name)) return `${JSON.stringify(name)} not allowlisted`;
  const ns = sysctlNamespace(name);
  if ((ns === 'ipc' && hostIPC) || (ns === 'net' && hostNetwork)) {
    return `${JSON.stringify(name)} not allowed with host ${ns} enabled`;
  }
  return undefined;
}
