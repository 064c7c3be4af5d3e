// The parts of the OCI runtime spec (opencontainers/runtime-spec v1.0.2, config.md and config-linux.md) that podlet
// writes into a bundle's config.json. Field names and optionality follow specs-go/config.go; a field absent here is
// one podlet never sets.

export interface Spec {
  ociVersion: string;
  process: Process;
  root: Root;
  hostname?: string;
  mounts: Mount[];
  annotations?: Record<string, string>;
  linux: Linux;
}

export interface Process {
  terminal?: boolean;
  user: User;
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: Capabilities;
  rlimits?: Rlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
}

export interface User {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

/** Capability names with the `CAP_` prefix. An absent set is an empty one. */
export interface Capabilities {
  bounding?: string[];
  effective?: string[];
  inheritable?: string[];
  permitted?: string[];
  ambient?: string[];
}

export type RlimitType =
  | 'RLIMIT_AS'
  | 'RLIMIT_CORE'
  | 'RLIMIT_CPU'
  | 'RLIMIT_DATA'
  | 'RLIMIT_FSIZE'
  | 'RLIMIT_LOCKS'
  | 'RLIMIT_MEMLOCK'
  | 'RLIMIT_MSGQUEUE'
  | 'RLIMIT_NICE'
  | 'RLIMIT_NOFILE'
  | 'RLIMIT_NPROC'
  | 'RLIMIT_RSS'
  | 'RLIMIT_RTPRIO'
  | 'RLIMIT_RTTIME'
  | 'RLIMIT_SIGPENDING'
  | 'RLIMIT_STACK';

/**
 * hard and soft are uint64 in the spec. A JavaScript number holds them exactly only up to 2^53 - 1, and RLIM_INFINITY
 * (2^64 - 1) has no JSON form JSON.stringify can print (runc's Go decoder takes only the exact integer literal: a
 * string is a type error, 1.8446744073709552e19 overflows, and null leaves the field 0). So podlet keeps unlimited as
 * `Infinity` in memory and never writes a limit that is not a safe integer: see `writableRlimits`.
 */
export interface Rlimit {
  type: RlimitType;
  hard: number;
  soft: number;
}

export interface Mount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface Root {
  path: string;
  readonly?: boolean;
}

export interface Linux {
  sysctl?: Record<string, string>;
  resources?: LinuxResources;
  cgroupsPath?: string;
  namespaces: Namespace[];
  /** Device nodes runc creates in the container (a privileged container gets the host's). */
  devices?: LinuxDevice[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
  maskedPaths?: string[];
  readonlyPaths?: string[];
  seccomp?: Seccomp;
}

export interface LinuxDevice {
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

export type NamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

/** A namespace to create, or with `path` one to join. */
export interface Namespace {
  type: NamespaceType;
  path?: string;
}

export interface LinuxResources {
  devices?: DeviceCgroup[];
  memory?: Memory;
  cpu?: Cpu;
  hugepageLimits?: { pageSize: string; limit: number }[];
}

/** A devices-cgroup rule: `type` a (all), c or b; an absent major/minor matches any. */
export interface DeviceCgroup {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

/** Bytes. `swap` is memory + swap, so swap == limit means no swap. */
export interface Memory {
  limit?: number;
  swap?: number;
}

export interface Cpu {
  shares?: number;
  quota?: number;
  period?: number;
}

/** A seccomp filter (config-linux.md#seccomp); actions and operators are libseccomp's names, which runc checks. */
export interface Seccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: Syscall[];
}

export interface Syscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: SeccompArg[];
}

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}
