import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { admitPod } from '../../../src/kubelet/pod-admission.js';
import { admitSysctls, safeSysctls, sysctlNamespace } from '../../../src/kubelet/sysctl-admission.js';

function pod(sysctls: { name: string; value: string }[], spec: Partial<PodSpec> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'c', image: 'busybox' }], securityContext: { sysctls }, ...spec },
  };
}

describe('admitSysctls', () => {
  test('admits the safe sysctls, in dot or slash form', () => {
    const sysctls = safeSysctls('6.1.0').map((name) => ({ name, value: '1' }));
    assert.equal(admitSysctls(pod(sysctls)), undefined);
    assert.equal(admitSysctls(pod([{ name: 'net/ipv4/tcp_syncookies', value: '1' }])), undefined);
    assert.equal(admitSysctls(pod([])), undefined);
  });

  test('rejects the first sysctl outside the safe set with the kubelet reason and message', () => {
    const sysctls = [
      { name: 'kernel.shm_rmid_forced', value: '1' },
      { name: 'kernel.msgmax', value: '1' },
      { name: 'vm.swappiness', value: '1' },
    ];
    assert.deepEqual(admitSysctls(pod(sysctls)), {
      reason: 'SysctlForbidden',
      message: 'forbidden sysctl: "kernel.msgmax" not allowlisted',
    });
  });

  test('rejects safe net and ipc sysctls in pods sharing the host network or IPC namespace', () => {
    const net = [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65000' }];
    assert.equal(
      admitSysctls(pod(net, { hostNetwork: true }))?.message,
      'forbidden sysctl: "net.ipv4.ip_local_port_range" not allowed with host net enabled',
    );
    const ipc = [{ name: 'kernel.shm_rmid_forced', value: '1' }];
    assert.equal(
      admitSysctls(pod(ipc, { hostIPC: true }))?.message,
      'forbidden sysctl: "kernel.shm_rmid_forced" not allowed with host ipc enabled',
    );
    assert.equal(admitSysctls(pod(net, { hostIPC: true })), undefined);
  });

  test('drops sysctls from the safe set on kernels that do not namespace them', () => {
    assert.ok(!safeSysctls('4.4.0').includes('net.ipv4.tcp_keepalive_time'));
    assert.ok(safeSysctls('4.5.0').includes('net.ipv4.tcp_keepalive_time'));
    assert.ok(!safeSysctls('4.5.0').includes('net.ipv4.tcp_fin_timeout'));
    assert.ok(safeSysctls('3.10.0').includes('net.ipv4.tcp_rmem'));
  });

  test('knows which kernel namespace a sysctl belongs to', () => {
    assert.equal(sysctlNamespace('kernel.sem'), 'ipc');
    assert.equal(sysctlNamespace('kernel.shmmax'), 'ipc');
    assert.equal(sysctlNamespace('fs.mqueue.msg_max'), 'ipc');
    assert.equal(sysctlNamespace('net.core.somaxconn'), 'net');
    assert.equal(sysctlNamespace('kernel.pid_max'), undefined);
    assert.equal(sysctlNamespace('vm.swappiness'), undefined);
  });
});

describe('admitPod', () => {
  test('rejects a forbidden sysctl before looking at resources', () => {
    const p = pod([{ name: 'kernel.msgmax', value: '1' }]);
    assert.equal(admitPod(p, [], { pods: 0, milliCpu: 0n, memoryBytes: 0n })?.reason, 'SysctlForbidden');
  });
});
