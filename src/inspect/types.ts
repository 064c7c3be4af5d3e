// The sharing report of `podlet inspect pod`: what a pod's processes share and keep apart, read from the live
// system (/proc, cgroup files, runc bundles), not from the pod's spec.

export const NAMESPACE_TYPES = ['net', 'ipc', 'uts', 'pid', 'mnt', 'cgroup', 'user'] as const;
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

/**
 * `shared`: another process of the pod is in the same namespace; `private`: none is; `host`: it is the node's, the
 * one podlet runs in (hostNetwork, hostPID, ..., or one the pod does not unshare: user without `hostUsers: false`).
 */
export type Sharing = 'shared' | 'private' | 'host';

export interface NamespaceView {
  /** The namespace's inode, as /proc/PID/ns/TYPE names it (`net:[4026532456]` → 4026532456). */
  inode: number;
  sharing: Sharing;
  /** Other members of the pod in the same namespace (`(pause)` for the infra process). */
  with: string[];
}

export interface CgroupView {
  path: string;
  cpu: { shares?: number; weight?: number; quotaMicros: number; periodMicros: number; usageNanos: string };
  memory: { limitBytes: number; usageBytes: number; workingSetBytes: number };
  pids: { limit: number; current: number };
}

export interface MountView {
  /** The pod volume's name when the source is one (`scratch`), else the source path on the host. */
  volume: string;
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface MemberView {
  /** `(pause)` for the infra process. */
  name: string;
  kind: 'pause' | 'init' | 'sidecar' | 'regular' | 'ephemeral';
  id: string;
  state: string;
  attempt?: number;
  pid?: number;
  /** Present while the process runs. */
  namespaces?: Record<NamespaceType, NamespaceView>;
  oomScoreAdj?: number;
  cgroup?: CgroupView;
  /** The overlay's writable layer on the host. */
  rootfsUpper?: string;
  mounts: MountView[];
}

export interface VolumeView {
  volume: string;
  source: string;
  /** Container name → read-only or not. */
  mountedBy: { container: string; destination: string; readOnly: boolean }[];
}

export interface SharingReport {
  pod: { namespace: string; name: string; uid: string; ips: string[]; hostname: string };
  /** TCP ports listening in the pod's network namespace (all its containers share them). */
  listening: { protocol: 'tcp' | 'tcp6'; address: string; port: number }[];
  members: MemberView[];
  volumes: VolumeView[];
}
