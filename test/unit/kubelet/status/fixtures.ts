// Hand-built pods, runtime states and kubelet facts for the pod status tests.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { PodRuntimeState } from '../../../../src/runtime/runtime.js';
import type { ContainerKind, ContainerStatus, SandboxStatus } from '../../../../src/runtime/types.js';
import type { KubeletPodFacts } from '../../../../src/kubelet/status/facts.js';

export const NOW = new Date('2025-01-01T10:00:00Z');
export const UID = 'uid-1';

export function podOf(
  containers: Container[],
  extra: { initContainers?: Container[]; restartPolicy?: 'Always' | 'OnFailure' | 'Never' } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: UID },
    spec: {
      containers,
      ...(extra.initContainers ? { initContainers: extra.initContainers } : {}),
      restartPolicy: extra.restartPolicy ?? 'Always',
    },
  };
}

export const c = (name: string, more: Partial<Container> = {}): Container => ({
  name,
  image: 'busybox',
  ...more,
});
export const sidecar = (name: string, more: Partial<Container> = {}): Container =>
  c(name, { restartPolicy: 'Always', ...more });

export function sandbox(
  id = 'sb1',
  state: 'ready' | 'notready' = 'ready',
  createdAt = '2025-01-01T09:00:00Z',
): SandboxStatus {
  return {
    state,
    record: {
      id,
      podUid: UID,
      podName: 'p',
      podNamespace: 'default',
      phase: 'ready',
      createdAt,
      netnsName: 'ns',
      netnsPath: '/run/netns/ns',
      cgroupPath: '/pod',
      sharePid: false,
      hostname: 'p',
      portMappings: [],
      ips: ['10.88.0.5'],
    },
  };
}

export interface InstanceOptions {
  kind?: ContainerKind;
  attempt?: number;
  exitCode?: number;
  oomKilled?: boolean;
  sandboxId?: string;
  id?: string;
}

/** One container instance; `minute` orders instances by creation and sets start/finish times. */
export function instance(
  name: string,
  state: ContainerStatus['state'],
  minute: number,
  o: InstanceOptions = {},
): ContainerStatus {
  const at = (m: number) => `2025-01-01T09:${String(m).padStart(2, '0')}:00.000Z`;
  const attempt = o.attempt ?? 0;
  return {
    state,
    oomKilled: o.oomKilled ?? false,
    ...(state === 'exited' ? { exitCode: o.exitCode ?? 0, finishedAt: at(minute + 1) } : {}),
    record: {
      id: o.id ?? `${name}-${attempt}`,
      sandboxId: o.sandboxId ?? 'sb1',
      podUid: UID,
      podName: 'p',
      podNamespace: 'default',
      name,
      kind: o.kind ?? 'regular',
      attempt,
      image: 'busybox',
      imageId: 'sha256:abc',
      specHash: 'h',
      phase: 'created',
      createdAt: at(minute),
      ...(state === 'created' ? {} : { startedAt: at(minute) }),
      logPath: '/log',
      cgroupPath: '/cg',
      stopSignal: 'SIGTERM',
      sharedPid: false,
    },
  };
}

export function runtimeOf(
  containers: ContainerStatus[],
  sandboxes: SandboxStatus[] = [sandbox()],
): PodRuntimeState {
  return { podUid: UID, sandboxes, containers };
}

export function factsOf(o: Partial<KubeletPodFacts> = {}): KubeletPodFacts {
  return {
    waiting: new Map(),
    terminationMessages: new Map(),
    readiness: new Map(),
    started: new Map(),
    hostIP: '192.168.1.10',
    podIPs: ['10.88.0.5'],
    terminating: false,
    ...o,
  };
}
