// Capability sets as containerd's CRI plugin computes them (internal/cri/opts/spec_opts.go WithCapabilities,
// WithoutAmbientCaps; pkg/oci/spec_opts.go WithCapabilities/WithAddedCapabilities/WithDroppedCapabilities,
// WithPrivileged -> WithAllCurrentCapabilities).
import type { Capabilities as V1Capabilities } from 'kubernetes-types/core/v1.js';
import { DEFAULT_CAPABILITIES } from './defaults.js';
import type { Capabilities } from './types.js';

/** Capability names by number (linux/capability.h), as far as runc 1.1 knows them. */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/**
 * The container's capabilities. `hostCapabilities` stands for "all": containerd uses the capabilities its own
 * process holds, never more, since runc cannot grant a capability outside its own bounding set. The steps run in
 * containerd's order: add ALL, drop ALL, add each named cap, drop each named cap (so a cap in both lists ends up
 * dropped); privileged then replaces the result with all. Inheritable and ambient stay empty, so a non-root process
 * has no effective capabilities.
 */
export function containerCapabilities(
  requested: V1Capabilities | undefined,
  privileged: boolean,
  hostCapabilities: readonly string[],
): Capabilities {
  let caps = [...DEFAULT_CAPABILITIES];
  const add = requested?.add ?? [];
  const drop = requested?.drop ?? [];
  if (add.some(isAll)) caps = [...hostCapabilities];
  if (drop.some(isAll)) caps = [];
  for (const name of add.filter((c) => !isAll(c)).map(capName)) {
    if (!caps.includes(name)) caps.push(name);
  }
  const dropped = new Set(drop.filter((c) => !isAll(c)).map(capName));
  caps = caps.filter((c) => !dropped.has(c));
  if (privileged) caps = [...hostCapabilities];
  return capabilitySets(caps);
}

/** The same list as bounding, effective and permitted set. */
export function capabilitySets(caps: readonly string[]): Capabilities {
  return { bounding: [...caps], effective: [...caps], permitted: [...caps] };
}

/** Capabilities named in a bit mask such as /proc/<pid>/status CapEff, in number order. */
export function capabilityNamesFromMask(mask: bigint): string[] {
  return CAPABILITY_NAMES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** containerd compares ALL case-insensitively. */
function isAll(cap: string): boolean {
  return cap.toUpperCase() === 'ALL';
}

/** Kubernetes names capabilities without the prefix; the CRI plugin adds it (and runc ignores names it does not know). */
function capName(cap: string): string {
  return `CAP_${cap.toUpperCase()}`;
}
