import type { Container, Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import type { ContainerSpecInput } from '../../../src/runtime/oci/container-spec.js';
import type { Rlimit } from '../../../src/runtime/oci/types.js';

export const HOST_RLIMITS: Rlimit[] = [
  { type: 'RLIMIT_CPU', soft: Infinity, hard: Infinity },
  { type: 'RLIMIT_STACK', soft: 8388608, hard: Infinity },
  { type: 'RLIMIT_NPROC', soft: 96365, hard: 96365 },
  { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
];

/** What this test host's daemon holds: everything but CAP_SYS_RESOURCE. */
export const HOST_CAPABILITIES = ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_ADMIN', 'CAP_SYS_ADMIN', 'CAP_NET_RAW'];

export function testPod(container: Container, spec: Partial<PodSpec> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'team', uid: '11111111-2222-3333-4444-555555555555' },
    spec: { containers: [container], ...spec },
  };
}

/** A container spec input with a busybox-like image; `patch` replaces top-level fields. */
export function containerInput(
  container: Partial<Container> = {},
  patch: Partial<ContainerSpecInput> = {},
  podSpec: Partial<PodSpec> = {},
): ContainerSpecInput {
  const c: Container = { name: 'app', image: 'busybox', ...container };
  return {
    pod: testPod(c, podSpec),
    container: c,
    image: {
      config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    },
    rootfs: '/var/lib/podlet/containers/abc/rootfs',
    etcPasswd: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
    etcGroup: 'root:x:0:\nnogroup:x:65534:\n',
    hostname: 'web',
    namespaces: { network: '/run/netns/podlet-abc', ipc: '/proc/42/ns/ipc', uts: '/proc/42/ns/uts' },
    cgroupNamespace: false,
    mounts: [],
    cgroupsPath: 'podlet/besteffort/pod1111/abc',
    resources: { cpuShares: 2, cpuQuota: -1, cpuPeriod: 100000, memoryLimit: -1 },
    oomScoreAdj: 1000,
    hostRlimits: HOST_RLIMITS,
    hostCapabilities: HOST_CAPABILITIES,
    ...patch,
  };
}
