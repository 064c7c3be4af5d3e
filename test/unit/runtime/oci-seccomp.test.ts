import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildContainerSpec } from '../../../src/runtime/oci/container-spec.js';
import { DEFAULT_CAPABILITIES } from '../../../src/runtime/oci/defaults.js';
import { ContainerConfigError } from '../../../src/runtime/oci/errors.js';
import { kernelAtLeast } from '../../../src/runtime/oci/kernel-version.js';
import { loadLocalhostSeccomp, seccompFilter, seccompProfileRoot } from '../../../src/runtime/oci/seccomp.js';
import { runtimeDefaultProfile } from '../../../src/runtime/oci/seccomp-profile.js';
import { removeTree } from '../../../src/util/fs.js';
import type { Seccomp } from '../../../src/runtime/oci/types.js';
import { containerInput, testPod } from './oci-fixtures.js';

function allowed(profile: Seccomp, name: string): boolean {
  return (profile.syscalls ?? []).some(
    (s) => s.action === 'SCMP_ACT_ALLOW' && s.names.includes(name) && (s.args ?? []).length === 0,
  );
}

describe('runtimeDefaultProfile', () => {
  const profile = runtimeDefaultProfile(DEFAULT_CAPABILITIES, 'x64', '6.1.0-18-amd64');

  test('refuses with EPERM what it does not list, for the x86 ABIs', () => {
    assert.equal(profile.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(profile.defaultErrnoRet, undefined);
    assert.deepEqual(profile.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  });

  test('allows ordinary syscalls and the x86 ones but not namespace or mount calls without SYS_ADMIN', () => {
    for (const name of ['read', 'execve', 'openat', 'arch_prctl', 'chroot', 'ptrace']) {
      assert.ok(allowed(profile, name), name);
    }
    for (const name of ['unshare', 'mount', 'setns', 'reboot', 'bpf', 'keyctl', 'add_key', 'kexec_load']) {
      assert.ok(!allowed(profile, name), name);
    }
  });

  test('lets clone make no namespaces and sends clone3 to ENOSYS without SYS_ADMIN', () => {
    const clone = profile.syscalls?.find((s) => s.names.includes('clone'));
    assert.deepEqual(clone?.args, [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]);
    const clone3 = profile.syscalls?.find((s) => s.names.includes('clone3'));
    assert.deepEqual(clone3, { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  });

  test('unlocks the syscalls of capabilities in the bounding set', () => {
    const admin = runtimeDefaultProfile([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], 'x64', '6.1.0');
    for (const name of ['unshare', 'mount', 'setns', 'clone', 'clone3'])
      assert.ok(allowed(admin, name), name);
    assert.ok(!admin.syscalls?.some((s) => s.action === 'SCMP_ACT_ERRNO'));
    assert.ok(!allowed(runtimeDefaultProfile([], 'x64', '6.1.0'), 'chroot'));
  });

  test('allows socket for every address family but AF_ALG and AF_VSOCK', () => {
    const socket = profile.syscalls?.filter((s) => s.names.includes('socket')).map((s) => s.args);
    assert.deepEqual(socket, [
      [{ index: 0, value: 38, op: 'SCMP_CMP_LT' }],
      [{ index: 0, value: 39, op: 'SCMP_CMP_EQ' }],
      [{ index: 0, value: 40, op: 'SCMP_CMP_GT' }],
    ]);
  });

  test('names the ARM ABIs on arm64 and allows ptrace only from kernel 4.8', () => {
    const arm = runtimeDefaultProfile(DEFAULT_CAPABILITIES, 'arm64', '4.4.0');
    assert.deepEqual(arm.architectures, ['SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64']);
    assert.ok(allowed(arm, 'set_tls') && !allowed(arm, 'arch_prctl'));
    assert.ok(!allowed(arm, 'ptrace'));
  });
});

describe('kernelAtLeast', () => {
  test('compares the major and minor numbers of uname -r', () => {
    assert.equal(kernelAtLeast('4.8.0', [4, 8]), true);
    assert.equal(kernelAtLeast('4.7.10-generic', [4, 8]), false);
    assert.equal(kernelAtLeast('5.0', [4, 8]), true);
    assert.equal(kernelAtLeast('garbage', [4, 8]), false);
  });
});

describe('seccompFilter', () => {
  test('sets none for Unconfined, an absent profile or a privileged container', () => {
    const base = { bounding: DEFAULT_CAPABILITIES, privileged: false };
    assert.equal(seccompFilter({ ...base, profile: undefined }), undefined);
    assert.equal(seccompFilter({ ...base, profile: { type: 'Unconfined' } }), undefined);
    assert.equal(
      seccompFilter({ ...base, privileged: true, profile: { type: 'RuntimeDefault' } }),
      undefined,
    );
  });

  test('uses the loaded Localhost profile as it is', () => {
    const localhost: Seccomp = { defaultAction: 'SCMP_ACT_LOG' };
    const profile = { type: 'Localhost', localhostProfile: 'p.json' };
    assert.equal(seccompFilter({ profile, privileged: false, bounding: [], localhost }), localhost);
  });
});

describe('buildContainerSpec seccomp', () => {
  test('takes the container profile over the pod one', () => {
    const spec = buildContainerSpec(
      containerInput(
        { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
        {},
        { securityContext: { seccompProfile: { type: 'Unconfined' } } },
      ),
    );
    assert.equal(spec.linux.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
    const podOnly = buildContainerSpec(
      containerInput({}, {}, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }),
    );
    assert.equal(podOnly.linux.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(buildContainerSpec(containerInput()).linux.seccomp, undefined);
  });

  test('builds RuntimeDefault from the container bounding set after capabilities add and drop', () => {
    const spec = buildContainerSpec(
      containerInput({
        securityContext: {
          seccompProfile: { type: 'RuntimeDefault' },
          capabilities: { add: ['SYS_ADMIN'], drop: ['SYS_CHROOT'] },
        },
      }),
    );
    const names = (spec.linux.seccomp?.syscalls ?? []).flatMap((s) => s.names);
    assert.ok(names.includes('unshare'));
    assert.ok(!names.includes('chroot'));
  });
});

describe('loadLocalhostSeccomp', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeTree(d);
  });

  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'podlet-seccomp-'));
    dirs.push(dir);
    await mkdir(join(seccompProfileRoot(dir), 'profiles'), { recursive: true });
    return dir;
  }

  const localhostPod = (localhostProfile: string, privileged = false) =>
    testPod({
      name: 'app',
      image: 'busybox',
      securityContext: { privileged, seccompProfile: { type: 'Localhost', localhostProfile } },
    });

  test('reads the profile under <data-dir>/seccomp keeping only the OCI fields', async () => {
    const dir = await dataDir();
    const file = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }],
      x: 1,
    };
    await writeFile(join(seccompProfileRoot(dir), 'profiles', 'p.json'), JSON.stringify(file));
    const pod = localhostPod('profiles/p.json');
    const loaded = await loadLocalhostSeccomp(pod, pod.spec?.containers[0], seccompProfileRoot(dir));
    assert.deepEqual(loaded, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: file.syscalls });
  });

  test('fails a missing profile with containerd message and reads nothing for a privileged container', async () => {
    const root = seccompProfileRoot(await dataDir());
    const pod = localhostPod('profiles/absent.json');
    const path = join(root, 'profiles/absent.json');
    await assert.rejects(loadLocalhostSeccomp(pod, pod.spec?.containers[0], root), (e: unknown) => {
      assert.ok(e instanceof ContainerConfigError);
      assert.equal(e.reason, 'CreateContainerError');
      assert.equal(
        e.message,
        `failed to create containerd container: cannot load seccomp profile "${path}": open ${path}: no such file or directory`,
      );
      return true;
    });
    const privileged = localhostPod('profiles/absent.json', true);
    assert.equal(await loadLocalhostSeccomp(privileged, privileged.spec?.containers[0], root), undefined);
  });

  test('fails a profile that is not a JSON object and one that leaves the root', async () => {
    const root = seccompProfileRoot(await dataDir());
    await writeFile(join(root, 'bad.json'), '[1]');
    const bad = localhostPod('bad.json');
    await assert.rejects(
      loadLocalhostSeccomp(bad, bad.spec?.containers[0], root),
      /decoding seccomp profile failed/,
    );
    const escaping = localhostPod('../../etc/passwd');
    await assert.rejects(
      loadLocalhostSeccomp(escaping, escaping.spec?.containers[0], root),
      ContainerConfigError,
    );
  });

  test('takes the pod-level profile for the sandbox', async () => {
    const root = seccompProfileRoot(await dataDir());
    await writeFile(join(root, 'pod.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_LOG' }));
    const pod = testPod(
      { name: 'app', image: 'busybox' },
      { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'pod.json' } } },
    );
    assert.deepEqual(await loadLocalhostSeccomp(pod, undefined, root), { defaultAction: 'SCMP_ACT_LOG' });
  });
});
