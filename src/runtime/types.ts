import type { PortMapping } from '../network/cni.js';
import type { PinnedNamespaces } from './pinned-namespaces.js';

/** What podlet keeps of a sandbox on disk (<data>/sandboxes/<id>/sandbox.json); runc and the kernel hold the rest. */
export interface SandboxRecord {
  id: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  /** `creating` until every resource is set up: a record left in that state after a crash is torn down at start. */
  phase: 'creating' | 'ready';
  createdAt: string;
  /** The pod's network namespace under /run/netns; both '' for a hostNetwork pod, which has none of its own. */
  netnsName: string;
  netnsPath: string;
  cgroupPath: string;
  sharePid: boolean;
  hostname: string;
  portMappings: PortMapping[];
  ips: string[];
  /** The CNI ADD result, passed back as prevResult on DEL. */
  cniResult?: unknown;
  /** The pod's own user namespace (`hostUsers: false`): its IDs 0..size-1 are the host's hostId.. */
  userns?: UserNamespace;
  /**
   * The pod's IPC and UTS namespaces, pinned at these files before the pause runs: the pause and the containers join
   * them (and the network namespace) by path. Absent for pods that share a namespace with the host or need the
   * pause's (shared PID, own user namespace): their containers join /proc/<pause>/ns/*.
   */
  pinnedNamespaces?: PinnedNamespaces;
}

/**
 * A sandbox whose namespaces exist, and whose pause process and network may still be starting: until `running`
 * settles, `record.ips` may be empty.
 */
export interface StartingSandbox {
  record: SandboxRecord;
  /**
   * Settles when the pause runs and the network is set up; a container may be created before, and is started
   * after. A rejection leaves a dead sandbox, which the kubelet replaces with what was created in it.
   */
  running: Promise<SandboxStatus>;
}

/** A range of host IDs that a pod's user namespace maps from 0, for users and groups alike. */
export interface UserNamespace {
  hostId: number;
  size: number;
}

export type ContainerKind = 'init' | 'sidecar' | 'regular' | 'ephemeral';

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  name: string;
  kind: ContainerKind;
  /** The kubelet's restartCount for this instance (CRI annotation io.kubernetes.container.restartCount). */
  attempt: number;
  image: string;
  imageId: string;
  /** Hash of the container spec this instance was created from: a change means "definition changed". */
  specHash: string;
  phase: 'creating' | 'created';
  createdAt: string;
  startedAt?: string;
  logPath: string;
  cgroupPath: string;
  stopSignal: string;
  /** The container does not own its PID namespace, so stopping must signal every process. */
  sharedPid: boolean;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  record: ContainerRecord;
  state: ContainerState;
  pid?: number;
  exitCode?: number;
  finishedAt?: string;
  /** Exited after the kernel's OOM killer fired in the container's memory cgroup. */
  oomKilled: boolean;
}

export interface SandboxStatus {
  record: SandboxRecord;
  state: 'ready' | 'notready';
  pid?: number;
}
