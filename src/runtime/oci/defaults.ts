// The runtime defaults a kubelet + containerd node applies to every container (containerd pkg/oci/spec.go
// populateDefaultUnixSpec, pkg/oci/mounts.go, pkg/oci/spec_opts.go; kubelet pkg/securitycontext/util.go).
import type { DeviceCgroup, Mount } from './types.js';

/** The runtime-spec version runc 1.1.5 writes with `runc spec`. */
export const OCI_VERSION = '1.0.2-dev';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** containerd's defaultUnixCaps, in its order. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** The kubelet's defaultMaskedPaths (kept in sync with moby's), sent over CRI for procMount Default. */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/**
 * containerd's defaultMounts without /run (the CRI plugin removes it: WithoutRunMount). /dev/shm stays as a
 * default so that a container always has one, but the caller's bind of the pod's shared shm replaces it.
 */
export function defaultMounts(): Mount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  ];
}

/**
 * The device cgroup: deny everything, then allow the nodes every container gets (containerd WithDefaultUnixDevices).
 * runc creates those nodes and appends the same allow rules itself; listing them keeps config.json self-describing.
 */
export function defaultDeviceRules(): DeviceCgroup[] {
  const char = (major: number, minor?: number): DeviceCgroup => ({
    allow: true,
    type: 'c',
    major,
    ...(minor === undefined ? {} : { minor }),
    access: 'rwm',
  });
  return [
    { allow: false, access: 'rwm' },
    char(1, 3), // /dev/null
    char(1, 8), // /dev/random
    char(1, 7), // /dev/full
    char(5, 0), // /dev/tty
    char(1, 5), // /dev/zero
    char(1, 9), // /dev/urandom
    char(5, 1), // /dev/console
    char(136), // /dev/pts/*
    char(5, 2), // /dev/ptmx
  ];
}

/** A privileged container may use every device (containerd WithAllDevicesAllowed). */
export function allDevicesAllowed(): DeviceCgroup[] {
  return [{ allow: true, access: 'rwm' }];
}
