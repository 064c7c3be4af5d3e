import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from 'kubernetes-types/core/v1.js';
import { buildContainerSpec, ContainerConfigError } from '../../../src/runtime/oci/container-spec.js';
import {
  DEFAULT_CAPABILITIES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
} from '../../../src/runtime/oci/defaults.js';
import type { ImageConfig } from '../../../src/image/types.js';
import type { Mount } from '../../../src/runtime/oci/types.js';
import { containerInput, HOST_CAPABILITIES, HOST_RLIMITS } from './oci-fixtures.js';

function argsFor(container: Partial<Container>, image: ImageConfig): string[] {
  return buildContainerSpec(containerInput(container, { image: { config: image } })).process.args;
}

const bind = (source: string, destination: string): Mount => ({
  destination,
  type: 'bind',
  source,
  options: ['rbind', 'rprivate', 'rw'],
});

describe('buildContainerSpec: command and args', () => {
  const image: ImageConfig = { Entrypoint: ['/entry'], Cmd: ['--default'] };
  const table: [string, Partial<Container>, ImageConfig, string[]][] = [
    ['runs Entrypoint + Cmd when neither is set', {}, image, ['/entry', '--default']],
    [
      'replaces the Entrypoint and drops the Cmd with command',
      { command: ['/bin/app'] },
      image,
      ['/bin/app'],
    ],
    ['replaces only the Cmd with args', { args: ['--flag'] }, image, ['/entry', '--flag']],
    [
      'runs command + args when both are set',
      { command: ['/bin/app'], args: ['x'] },
      image,
      ['/bin/app', 'x'],
    ],
    [
      'runs the Cmd alone when the image has no Entrypoint',
      {},
      { Cmd: ['sh', '-c', 'true'] },
      ['sh', '-c', 'true'],
    ],
    ['treats an Entrypoint of [""] as none', {}, { Entrypoint: [''], Cmd: ['sh'] }, ['sh']],
    [
      'treats empty command and args lists as unset',
      { command: [], args: [] },
      image,
      ['/entry', '--default'],
    ],
  ];
  for (const [name, container, config, expected] of table) {
    test(name, () => assert.deepEqual(argsFor(container, config), expected));
  }

  test('fails with containerd message when there is nothing to run', () => {
    assert.throws(
      () => argsFor({}, {}),
      (e: unknown) => e instanceof ContainerConfigError && e.message === 'no command specified',
    );
    assert.throws(() => argsFor({}, { Entrypoint: [''] }), ContainerConfigError);
  });

  test('expands $(VAR) in command and args from the kubelet env only', () => {
    const spec = buildContainerSpec(
      containerInput(
        { command: ['echo', '$(GREETING)', '$$(GREETING)'], args: ['$(IMAGE_VAR)', '$(HOSTNAME)'] },
        {
          extraEnv: [{ name: 'GREETING', value: 'hi' }],
          image: { config: { Env: ['IMAGE_VAR=from-image'] } },
        },
      ),
    );
    assert.deepEqual(spec.process.args, ['echo', 'hi', '$(GREETING)', '$(IMAGE_VAR)', '$(HOSTNAME)']);
  });
});

describe('buildContainerSpec: environment', () => {
  test('puts PATH, HOSTNAME, image ENV and the kubelet env in containerd order', () => {
    const spec = buildContainerSpec(
      containerInput(
        {},
        {
          image: { config: { Cmd: ['sh'], Env: ['PATH=/custom/bin', 'LANG=C.UTF-8', 'MODE=image'] } },
          extraEnv: [
            { name: 'MODE', value: 'pod' },
            { name: 'EXTRA', value: 'x=y' },
          ],
        },
      ),
    );
    assert.deepEqual(spec.process.env, [
      'PATH=/custom/bin',
      'HOSTNAME=web',
      'LANG=C.UTF-8',
      'MODE=pod',
      'EXTRA=x=y',
    ]);
  });

  test('adds the default PATH when the image has none', () => {
    const spec = buildContainerSpec(containerInput({}, { image: { config: { Cmd: ['sh'] } } }));
    assert.deepEqual(spec.process.env, [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=web',
    ]);
  });

  test('sets TERM=xterm and a terminal for a tty container', () => {
    const spec = buildContainerSpec(containerInput({ tty: true }));
    assert.equal(spec.process.terminal, true);
    assert.ok(spec.process.env.includes('TERM=xterm'));
    const plain = buildContainerSpec(containerInput());
    assert.equal(plain.process.terminal, undefined);
    assert.ok(!plain.process.env.some((e) => e.startsWith('TERM=')));
  });

  test('lets a later kubelet variable override an earlier one of the same name', () => {
    const spec = buildContainerSpec(
      containerInput(
        {},
        {
          extraEnv: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
            { name: 'A', value: '3' },
          ],
        },
      ),
    );
    assert.deepEqual(spec.process.env.slice(-2), ['A=3', 'B=2']);
  });
});

describe('buildContainerSpec: working directory and root', () => {
  test('uses workingDir, else the image WorkingDir, else /', () => {
    const image = { config: { Cmd: ['sh'], WorkingDir: '/srv' } };
    assert.equal(buildContainerSpec(containerInput({ workingDir: '/app' }, { image })).process.cwd, '/app');
    assert.equal(buildContainerSpec(containerInput({}, { image })).process.cwd, '/srv');
    assert.equal(buildContainerSpec(containerInput()).process.cwd, '/');
  });

  test('makes the root read-only only with readOnlyRootFilesystem', () => {
    const ro = buildContainerSpec(containerInput({ securityContext: { readOnlyRootFilesystem: true } }));
    assert.deepEqual(ro.root, { path: '/var/lib/podlet/containers/abc/rootfs', readonly: true });
    assert.equal(buildContainerSpec(containerInput()).root.readonly, undefined);
  });
});

describe('buildContainerSpec: security', () => {
  test('gives containerd default capabilities with empty inheritable and ambient sets', () => {
    const caps = buildContainerSpec(containerInput()).process.capabilities;
    assert.deepEqual(caps, {
      bounding: [...DEFAULT_CAPABILITIES],
      effective: [...DEFAULT_CAPABILITIES],
      permitted: [...DEFAULT_CAPABILITIES],
    });
  });

  test('sets no_new_privs only when allowPrivilegeEscalation is false', () => {
    const off = buildContainerSpec(containerInput({ securityContext: { allowPrivilegeEscalation: false } }));
    assert.equal(off.process.noNewPrivileges, true);
    const on = buildContainerSpec(containerInput({ securityContext: { allowPrivilegeEscalation: true } }));
    assert.equal(on.process.noNewPrivileges, undefined);
    assert.equal(buildContainerSpec(containerInput()).process.noNewPrivileges, undefined);
  });

  test('masks and write-protects /proc paths by default', () => {
    const linux = buildContainerSpec(containerInput()).linux;
    assert.deepEqual(linux.maskedPaths, DEFAULT_MASKED_PATHS);
    assert.deepEqual(linux.readonlyPaths, DEFAULT_READONLY_PATHS);
    assert.ok(linux.maskedPaths?.includes('/proc/kcore'));
    assert.ok(linux.readonlyPaths?.includes('/proc/sys'));
  });

  test('sends no masked or read-only paths for procMount Unmasked', () => {
    const linux = buildContainerSpec(containerInput({ securityContext: { procMount: 'Unmasked' } })).linux;
    assert.equal(linux.maskedPaths, undefined);
    assert.equal(linux.readonlyPaths, undefined);
  });

  test('gives a privileged container all host capabilities, every device, writable /sys and no masks', () => {
    const spec = buildContainerSpec(
      containerInput({ securityContext: { privileged: true, capabilities: { drop: ['NET_RAW'] } } }),
    );
    assert.deepEqual(spec.process.capabilities?.bounding, HOST_CAPABILITIES);
    assert.deepEqual(spec.linux.resources?.devices, [{ allow: true, access: 'rwm' }]);
    assert.equal(spec.linux.maskedPaths, undefined);
    assert.equal(spec.linux.readonlyPaths, undefined);
    const sys = spec.mounts.find((m) => m.destination === '/sys');
    const cgroup = spec.mounts.find((m) => m.destination === '/sys/fs/cgroup');
    assert.ok(sys?.options?.includes('rw') && !sys.options.includes('ro'));
    assert.ok(cgroup?.options?.includes('rw') && !cgroup.options.includes('ro'));
  });
});

describe('buildContainerSpec: mounts', () => {
  const destinations = (mounts: Mount[]): string[] => mounts.map((m) => m.destination);

  test('starts with the default mounts, without /run', () => {
    const mounts = buildContainerSpec(containerInput()).mounts;
    assert.deepEqual(destinations(mounts), [
      '/proc',
      '/dev',
      '/dev/pts',
      '/dev/shm',
      '/dev/mqueue',
      '/sys',
      '/sys/fs/cgroup',
    ]);
    assert.deepEqual(mounts[1]?.options, ['nosuid', 'strictatime', 'mode=755', 'size=65536k']);
    assert.deepEqual(mounts[2]?.options, [
      'nosuid',
      'noexec',
      'newinstance',
      'ptmxmode=0666',
      'mode=0620',
      'gid=5',
    ]);
    assert.deepEqual(mounts[5]?.options, ['nosuid', 'noexec', 'nodev', 'ro']);
    assert.deepEqual(mounts[6], {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
    });
  });

  test('replaces a default mount with the caller mount on the same destination', () => {
    const shm = { ...bind('/var/lib/podlet/sandboxes/s/shm', '/dev/shm/'), options: ['rbind', 'nosuid'] };
    const mounts = buildContainerSpec(containerInput({}, { mounts: [shm] })).mounts;
    const onShm = mounts.filter((m) => m.destination.startsWith('/dev/shm'));
    assert.equal(onShm.length, 1);
    assert.equal(onShm[0]?.source, '/var/lib/podlet/sandboxes/s/shm');
  });

  test('drops every default under /dev when the caller mounts /dev', () => {
    const mounts = buildContainerSpec(containerInput({}, { mounts: [bind('/host/dev', '/dev')] })).mounts;
    assert.deepEqual(destinations(mounts), ['/proc', '/sys', '/sys/fs/cgroup', '/dev']);
  });

  test('orders caller mounts shallowest first, keeping the given order otherwise', () => {
    const mounts = buildContainerSpec(
      containerInput(
        {},
        {
          mounts: [
            bind('/v/a', '/data/a/deep'),
            bind('/v/hosts', '/etc/hosts'),
            bind('/v/data', '/data'),
            bind('/v/log', '/dev/termination-log'),
          ],
        },
      ),
    ).mounts;
    assert.deepEqual(destinations(mounts).slice(7), [
      '/data',
      '/etc/hosts',
      '/dev/termination-log',
      '/data/a/deep',
    ]);
  });

  test('keeps the later of two caller mounts on one destination', () => {
    const mounts = buildContainerSpec(
      containerInput(
        {},
        { mounts: [bind('/pod/etc-hosts', '/etc/hosts'), bind('/volume/hosts', '/etc/hosts')] },
      ),
    ).mounts;
    const hosts = mounts.filter((m) => m.destination === '/etc/hosts');
    assert.deepEqual(hosts, [bind('/volume/hosts', '/etc/hosts')]);
  });
});

describe('buildContainerSpec: namespaces', () => {
  test('joins the sandbox network, IPC and UTS namespaces and creates PID and mount ones', () => {
    assert.deepEqual(buildContainerSpec(containerInput()).linux.namespaces, [
      { type: 'pid' },
      { type: 'ipc', path: '/proc/42/ns/ipc' },
      { type: 'uts', path: '/proc/42/ns/uts' },
      { type: 'mount' },
      { type: 'network', path: '/run/netns/podlet-abc' },
    ]);
  });

  test('joins the sandbox PID namespace when the pod shares it', () => {
    const input = containerInput();
    input.namespaces = { ...input.namespaces, pid: '/proc/42/ns/pid' };
    assert.deepEqual(buildContainerSpec(input).linux.namespaces[0], { type: 'pid', path: '/proc/42/ns/pid' });
  });

  test('adds a cgroup namespace when asked, except for a privileged container', () => {
    const withNs = buildContainerSpec(containerInput({}, { cgroupNamespace: true })).linux.namespaces;
    assert.deepEqual(withNs.at(-1), { type: 'cgroup' });
    const privileged = buildContainerSpec(
      containerInput({ securityContext: { privileged: true } }, { cgroupNamespace: true }),
    ).linux.namespaces;
    assert.ok(!privileged.some((n) => n.type === 'cgroup'));
  });
});

describe('buildContainerSpec: resources and limits', () => {
  test('denies all devices and then allows the standard nodes', () => {
    const devices = buildContainerSpec(containerInput()).linux.resources?.devices ?? [];
    assert.deepEqual(devices[0], { allow: false, access: 'rwm' });
    assert.ok(devices.some((d) => d.allow && d.type === 'c' && d.major === 1 && d.minor === 3));
    assert.ok(devices.some((d) => d.allow && d.type === 'c' && d.major === 136 && d.minor === undefined));
  });

  test('leaves out the cpu quota and memory limit when there is none', () => {
    const resources = buildContainerSpec(containerInput()).linux.resources;
    assert.deepEqual(resources?.cpu, { shares: 2, period: 100000 });
    assert.equal(resources?.memory, undefined);
  });

  test('sets quota, period and memory with swap equal to the limit', () => {
    const resources = buildContainerSpec(
      containerInput(
        {},
        { resources: { cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, memoryLimit: 134217728 } },
      ),
    ).linux.resources;
    assert.deepEqual(resources?.cpu, { shares: 512, quota: 50000, period: 100000 });
    assert.deepEqual(resources?.memory, { limit: 134217728, swap: 134217728 });
  });

  test('carries the host limits that have exact values and nothing above them', () => {
    const rlimits = buildContainerSpec(containerInput()).process.rlimits ?? [];
    assert.deepEqual(rlimits, [
      { type: 'RLIMIT_NPROC', hard: 96365, soft: 96365 },
      { type: 'RLIMIT_NOFILE', hard: 20000, soft: 20000 },
    ]);
    for (const r of rlimits) {
      const host = HOST_RLIMITS.find((h) => h.type === r.type);
      assert.ok(host && r.hard <= host.hard && r.soft <= r.hard);
    }
  });

  test('writes JSON in which every number is exact and nothing is null', () => {
    const json = JSON.stringify(buildContainerSpec(containerInput({ tty: true })));
    assert.ok(!json.includes('null'));
    assert.deepEqual(JSON.parse(json), buildContainerSpec(containerInput({ tty: true })));
  });

  test('sets the cgroup path, oom_score_adj and no sysctls (the sandbox holds them)', () => {
    const spec = buildContainerSpec(
      containerInput(
        {},
        { oomScoreAdj: -997 },
        { securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] } },
      ),
    );
    assert.equal(spec.linux.cgroupsPath, 'podlet/besteffort/pod1111/abc');
    assert.equal(spec.process.oomScoreAdj, -997);
    assert.equal(spec.linux.sysctl, undefined);
  });

  test('asks for no oom_score_adj below the floor of a daemon without CAP_SYS_RESOURCE', () => {
    const floored = buildContainerSpec(containerInput({}, { oomScoreAdj: -997, oomScoreAdjFloor: 0 }));
    assert.equal(floored.process.oomScoreAdj, 0);
    const bestEffort = buildContainerSpec(containerInput({}, { oomScoreAdj: 1000, oomScoreAdjFloor: 0 }));
    assert.equal(bestEffort.process.oomScoreAdj, 1000);
  });

  test('labels the config with the pod and container for people reading it', () => {
    assert.deepEqual(buildContainerSpec(containerInput()).annotations, {
      'io.kubernetes.pod.name': 'web',
      'io.kubernetes.pod.namespace': 'team',
      'io.kubernetes.pod.uid': '11111111-2222-3333-4444-555555555555',
      'io.kubernetes.container.name': 'app',
    });
  });
});
