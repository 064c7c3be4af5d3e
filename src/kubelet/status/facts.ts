// What the kubelet knows about a pod beyond the runtime's records: the inputs of computePodStatus besides the spec,
// the runtime state and the previous status.
import type { PodCondition } from 'kubernetes-types/core/v1.js';

/** Why a container is not running yet (the kubelet's reasonCache): ErrImagePull, CrashLoopBackOff, ... */
export interface ContainerWaitingInfo {
  reason: string;
  message?: string;
}

/**
 * How the image store names an image: containerd's CRI reports the first repo tag as the status `image` and the
 * first repo digest as `imageID` (containerd pkg/cri/server/container_status.go).
 */
export interface ImageNames {
  /** e.g. `docker.io/library/busybox:1.36` */
  repoTag?: string;
  /** e.g. `docker.io/library/busybox@sha256:...` */
  repoDigest?: string;
}

/** A pod-level failure: the phase is Failed with this reason and message (kubelet rejectPod, activeDeadlineHandler). */
export interface PodFailure {
  reason: string;
  message: string;
  /** A condition the failure sets on the pod: DisruptionTarget for a node-pressure eviction. */
  condition?: PodCondition;
}

export interface KubeletPodFacts {
  /** Per container name: why it is waiting. Applied only while the container is due to (re)start. */
  waiting: ReadonlyMap<string, ContainerWaitingInfo>;
  /** Per container ID: the termination message read from terminationMessagePath or the log tail. */
  terminationMessages: ReadonlyMap<string, string>;
  /**
   * Per container name: the readiness probe's last result for the current instance. A container whose spec has no
   * readinessProbe is ready once started; one whose probe has not reported yet (absent here) is not.
   */
  readiness: ReadonlyMap<string, boolean>;
  /** Per container name: the startup probe's result for the current instance; same rule as `readiness`. */
  started: ReadonlyMap<string, boolean>;
  hostIP: string;
  podIPs: string[];
  /** The deletion was seen and the containers are being (or have been) stopped. */
  terminating: boolean;
  /**
   * The kubelet's verdict that fails the whole pod whatever its containers say: admission refused it (`OutOfcpu`),
   * or it outlived activeDeadlineSeconds (`DeadlineExceeded`).
   */
  failure?: PodFailure;
  /**
   * A soft admission's refusal (AppArmor the host cannot enforce): the pod stays Pending with this reason and
   * message, its waiting containers `Blocked`, until the refusal lifts.
   */
  blocked?: PodFailure;
  /** Per image ID (config digest): the names to report; absent means the image ID itself. */
  images?: ReadonlyMap<string, ImageNames>;
}
