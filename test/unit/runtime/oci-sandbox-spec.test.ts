import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { buildSandboxSpec, type SandboxSpecInput } from '../../../src/runtime/oci/sandbox-spec.js';
import { DEFAULT_CAPABILITIES, DEFAULT_MASKED_PATHS } from '../../../src/runtime/oci/defaults.js';
import { HOST_RLIMITS, testPod } from './oci-fixtures.js';

function sandboxInput(podSpec: Partial<PodSpec> = {}): SandboxSpecInput {
  return {
    pod: testPod({ name: 'app', image: 'busybox' }, podSpec),
    hostname: 'web',
    rootfs: '/var/lib/podlet/pause',
    netnsPath: '/run/netns/podlet-abc',
    cgroupsPath: 'podlet/besteffort/pod1111/sandbox',
    hostRlimits: HOST_RLIMITS,
    oomScoreAdj: -998,
  };
}

describe('buildSandboxSpec', () => {
  test('runs catatonit in pause mode as the pause image user with no_new_privs', () => {
    const { process } = buildSandboxSpec(sandboxInput());
    assert.deepEqual(process.args, ['/catatonit', '-P']);
    assert.deepEqual(process.user, { uid: 65535, gid: 65535, additionalGids: [65535] });
    assert.equal(process.cwd, '/');
    assert.equal(process.noNewPrivileges, true);
    assert.equal(process.oomScoreAdj, -998);
    assert.deepEqual(process.capabilities?.bounding, DEFAULT_CAPABILITIES);
    assert.deepEqual(process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  });

  test('runs the pause process as the pod runAsUser and runAsGroup with its supplementary groups', () => {
    const user = (securityContext: NonNullable<PodSpec['securityContext']>) =>
      buildSandboxSpec(sandboxInput({ securityContext })).process.user;
    assert.deepEqual(user({ runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] }), {
      uid: 1000,
      gid: 3000,
      additionalGids: [2000, 3000, 4000],
    });
    assert.deepEqual(user({ runAsUser: 1000 }), { uid: 1000, gid: 0, additionalGids: [0] });
    assert.deepEqual(user({ runAsGroup: 3000 }), { uid: 65535, gid: 3000, additionalGids: [3000] });
  });

  test('owns new IPC, UTS, PID and mount namespaces and joins the pod network namespace', () => {
    assert.deepEqual(buildSandboxSpec(sandboxInput()).linux.namespaces, [
      { type: 'pid' },
      { type: 'ipc' },
      { type: 'uts' },
      { type: 'mount' },
      { type: 'network', path: '/run/netns/podlet-abc' },
    ]);
  });

  test('joins the IPC and UTS namespaces podlet pinned, by path, and still owns its PID namespace', () => {
    const pinnedNamespaces = {
      ipc: '/var/lib/podlet/sandboxes/s1/ns/ipc',
      uts: '/var/lib/podlet/sandboxes/s1/ns/uts',
    };
    assert.deepEqual(buildSandboxSpec({ ...sandboxInput(), pinnedNamespaces }).linux.namespaces, [
      { type: 'pid' },
      { type: 'ipc', path: pinnedNamespaces.ipc },
      { type: 'uts', path: pinnedNamespaces.uts },
      { type: 'mount' },
      { type: 'network', path: '/run/netns/podlet-abc' },
    ]);
  });

  test('sets the hostname, a read-only root and the default mounts without /dev/shm', () => {
    const spec = buildSandboxSpec(sandboxInput());
    assert.equal(spec.hostname, 'web');
    assert.deepEqual(spec.root, { path: '/var/lib/podlet/pause', readonly: true });
    assert.deepEqual(
      spec.mounts.map((m) => m.destination),
      ['/proc', '/dev', '/dev/pts', '/dev/mqueue', '/sys'],
    );
  });

  test('masks /proc paths, denies devices and gives the pause process 2 cpu shares', () => {
    const { linux } = buildSandboxSpec(sandboxInput());
    assert.deepEqual(linux.maskedPaths, DEFAULT_MASKED_PATHS);
    assert.ok(linux.readonlyPaths?.includes('/proc/sys'));
    assert.deepEqual(linux.resources?.devices?.[0], { allow: false, access: 'rwm' });
    assert.deepEqual(linux.resources?.cpu, { shares: 2 });
    assert.equal(linux.cgroupsPath, 'podlet/besteffort/pod1111/sandbox');
  });

  test('applies the pod sysctls with dots, and containerd unprivileged port and ping defaults', () => {
    const { linux } = buildSandboxSpec(
      sandboxInput({
        securityContext: {
          sysctls: [
            { name: 'net/ipv4/conf/eth0.100/rp_filter', value: '1' },
            { name: 'kernel.shm_rmid_forced', value: '1' },
            { name: 'net.ipv4.ip_unprivileged_port_start', value: '1024' },
          ],
        },
      }),
    );
    assert.deepEqual(linux.sysctl, {
      'net.ipv4.conf.eth0/100.rp_filter': '1',
      'kernel.shm_rmid_forced': '1',
      'net.ipv4.ip_unprivileged_port_start': '1024',
      'net.ipv4.ping_group_range': '0 2147483647',
    });
  });

  test('adds no network sysctls of its own to a host-network pod', () => {
    assert.deepEqual(buildSandboxSpec(sandboxInput({ hostNetwork: true })).linux.sysctl, {});
  });

  test('keeps -998 only when the daemon may lower oom_score_adj', () => {
    assert.equal(buildSandboxSpec({ ...sandboxInput(), oomScoreAdjFloor: 0 }).process.oomScoreAdj, 0);
  });

  test('carries only exact host limits', () => {
    assert.deepEqual(buildSandboxSpec(sandboxInput()).process.rlimits, [
      { type: 'RLIMIT_NPROC', hard: 96365, soft: 96365 },
      { type: 'RLIMIT_NOFILE', hard: 20000, soft: 20000 },
    ]);
  });

  test('stays in the host namespaces a pod asks for, with the host UTS namespace and name under hostNetwork', () => {
    const types = (spec: Partial<PodSpec>) =>
      buildSandboxSpec(sandboxInput(spec)).linux.namespaces.map((n) => n.type);
    assert.deepEqual(types({ hostPID: true }), ['ipc', 'uts', 'mount', 'network']);
    assert.deepEqual(types({ hostIPC: true }), ['pid', 'uts', 'mount', 'network']);
    assert.deepEqual(types({ hostNetwork: true }), ['pid', 'ipc', 'mount']);
    assert.equal(buildSandboxSpec(sandboxInput({ hostNetwork: true })).hostname, undefined);
  });

  test('takes the pod seccomp profile unless a container is privileged', () => {
    const securityContext = { seccompProfile: { type: 'RuntimeDefault' } };
    const confined = buildSandboxSpec(sandboxInput({ securityContext })).linux.seccomp;
    assert.equal(confined?.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(buildSandboxSpec(sandboxInput()).linux.seccomp, undefined);
    const privileged = sandboxInput({ securityContext });
    privileged.pod.spec?.containers.push({
      name: 'p',
      image: 'busybox',
      securityContext: { privileged: true },
    });
    assert.equal(buildSandboxSpec(privileged).linux.seccomp, undefined);
  });

  test('a pod with its own user namespace gets the mapping, a network namespace runc makes, and a ping range of its groups', () => {
    const spec = buildSandboxSpec({
      ...sandboxInput({ hostUsers: false }),
      userns: { hostId: 131072, size: 65536 },
    });
    const mapping = [{ containerID: 0, hostID: 131072, size: 65536 }];
    assert.deepEqual(spec.linux.uidMappings, mapping);
    assert.deepEqual(spec.linux.gidMappings, mapping);
    assert.deepEqual(spec.linux.namespaces[0], { type: 'user' });
    assert.deepEqual(
      spec.linux.namespaces.find((n) => n.type === 'network'),
      { type: 'network' },
    );
    assert.equal(spec.linux.sysctl?.['net.ipv4.ping_group_range'], '0 65535');
  });

  test('a pod with a privileged container gets a writable sysfs in its sandbox, others a read-only one', () => {
    const sysOptions = (spec: ReturnType<typeof buildSandboxSpec>) =>
      spec.mounts?.find((m) => m.destination === '/sys')?.options ?? [];
    assert.ok(sysOptions(buildSandboxSpec(sandboxInput())).includes('ro'));
    const privileged = sandboxInput();
    privileged.pod.spec!.containers[0]!.securityContext = { privileged: true };
    assert.ok(sysOptions(buildSandboxSpec(privileged)).includes('rw'));
  });
});
