import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Container, Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { checkPod } from '../../../../src/api/pod-security/registry.js';
import type { Level } from '../../../../src/api/pod-security/policy.js';
import type { VolumeWithImage } from '../../../../src/api/v1-additions.js';

// A container that passes every restricted check, and a pod of such containers.
const good = (name: string, extra: Partial<Container> = {}): Container => ({
  name,
  image: 'busybox',
  ...extra,
  securityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    ...extra.securityContext,
  },
});
type PodSecurityContext = NonNullable<PodSpec['securityContext']>;
/** A pod passing every restricted check, changed by `spec`; `unset` removes pod-level defaults. */
const restrictedSpec = (spec: Partial<PodSpec> = {}, unset: (keyof PodSecurityContext)[] = []): PodSpec => {
  const securityContext: PodSecurityContext = {
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
    ...spec.securityContext,
  };
  for (const key of unset) delete securityContext[key];
  return { containers: [good('c')], ...spec, securityContext };
};
const pod = (spec: PodSpec, annotations?: Record<string, string>): Pod => ({
  metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
  spec,
});

interface Case {
  name: string;
  spec: PodSpec;
  annotations?: Record<string, string>;
  level?: Level;
  version?: string;
  /** `reason (detail)` per violation, or [] when the pod passes. */
  expect: string[];
}

const cases: Case[] = [
  { name: 'a fully restricted pod passes', spec: restrictedSpec(), expect: [] },
  {
    name: 'host namespaces are listed in field order',
    spec: restrictedSpec({ hostIPC: true, hostNetwork: true, hostPID: true }),
    expect: ['host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)'],
  },
  { name: 'hostNetwork=false passes', spec: restrictedSpec({ hostNetwork: false }), expect: [] },
  {
    name: 'privileged containers are grouped',
    spec: restrictedSpec({
      initContainers: [good('i', { securityContext: { privileged: true } })],
      containers: [good('a', { securityContext: { privileged: true } }), good('b')],
    }),
    expect: ['privileged (containers "i", "a" must not set securityContext.privileged=true)'],
  },
  {
    name: 'privileged=false passes',
    spec: restrictedSpec({ containers: [good('a', { securityContext: { privileged: false } })] }),
    expect: [],
  },
  {
    name: 'baseline forbids non-default capabilities, sorted',
    level: 'baseline',
    spec: {
      containers: [
        { name: 'a', securityContext: { capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN', 'CHOWN'] } } },
      ],
    },
    expect: [
      'non-default capabilities (container "a" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add)',
    ],
  },
  {
    name: 'baseline allows the default capabilities',
    level: 'baseline',
    spec: {
      containers: [
        { name: 'a', securityContext: { capabilities: { add: ['CHOWN', 'KILL', 'NET_BIND_SERVICE'] } } },
      ],
    },
    expect: [],
  },
  {
    name: 'restricted needs drop ALL and forbids adds other than NET_BIND_SERVICE, joined by a semicolon',
    spec: restrictedSpec({
      containers: [
        good('a', { securityContext: { capabilities: { add: ['NET_RAW'] } } }),
        good('b', {
          securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CHOWN'] } },
        }),
      ],
    }),
    expect: [
      'unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b" must not include "CHOWN", "NET_RAW" in securityContext.capabilities.add)',
    ],
  },
  {
    name: 'restricted allows adding NET_BIND_SERVICE after drop ALL',
    spec: restrictedSpec({
      containers: [
        good('a', { securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }),
      ],
    }),
    expect: [],
  },
  {
    name: 'baseline forbids hostPath volumes',
    level: 'baseline',
    spec: {
      containers: [{ name: 'a' }],
      volumes: [
        { name: 'h', hostPath: { path: '/' } },
        { name: 'e', emptyDir: {} },
      ],
    },
    expect: ['hostPath volumes (volume "h")'],
  },
  {
    name: 'restricted reports hostPath as a restricted volume type instead',
    spec: restrictedSpec({
      volumes: [
        { name: 'h1', hostPath: { path: '/' } },
        { name: 'n', nfs: { server: 's', path: '/' } },
        { name: 'h2', hostPath: { path: '/x' } },
      ],
    }),
    expect: [
      'restricted volume types (volumes "h1", "n", "h2" use restricted volume types "hostPath", "nfs")',
    ],
  },
  {
    name: 'restricted allows the data volume types, image included',
    spec: restrictedSpec({
      volumes: [
        { name: 'a', configMap: { name: 'x' } },
        { name: 'b', secret: { secretName: 'x' } },
        { name: 'c', emptyDir: {} },
        { name: 'd', projected: { sources: [] } },
        { name: 'e', downwardAPI: {} },
        { name: 'f', persistentVolumeClaim: { claimName: 'x' } },
        { name: 'g', image: { reference: 'busybox' } } as VolumeWithImage,
      ],
    }),
    expect: [],
  },
  {
    name: 'a volume with no known source is of type unknown',
    spec: restrictedSpec({ volumes: [{ name: 'v' }] }),
    expect: ['restricted volume types (volume "v" uses restricted volume type "unknown")'],
  },
  {
    name: 'host ports are a sorted set of strings',
    spec: restrictedSpec({
      containers: [
        good('a', {
          ports: [
            { containerPort: 1, hostPort: 80 },
            { containerPort: 2, hostPort: 8080 },
          ],
        }),
        good('b', { ports: [{ containerPort: 3, hostPort: 9 }, { containerPort: 4 }] }),
      ],
    }),
    expect: ['hostPort (containers "a", "b" use hostPorts 80, 8080, 9)'],
  },
  {
    name: 'hostPort 0 passes',
    spec: restrictedSpec({ containers: [good('a', { ports: [{ containerPort: 1, hostPort: 0 }] })] }),
    expect: [],
  },
  {
    name: 'an Unconfined AppArmor profile on pod and container is forbidden',
    spec: restrictedSpec({
      securityContext: { appArmorProfile: { type: 'Unconfined' } },
      containers: [good('a', { securityContext: { appArmorProfile: { type: 'Unconfined' } } })],
    }),
    expect: [
      'forbidden AppArmor profile (pod and container "a" must not set AppArmor profile type to "Unconfined")',
    ],
  },
  {
    name: 'forbidden AppArmor annotations follow the field values',
    spec: restrictedSpec({
      containers: [good('a', { securityContext: { appArmorProfile: { type: 'Unconfined' } } })],
    }),
    annotations: {
      'container.apparmor.security.beta.kubernetes.io/b': 'unconfined',
      'container.apparmor.security.beta.kubernetes.io/c': 'localhost/x',
      'container.apparmor.security.beta.kubernetes.io/d': 'runtime/default',
    },
    expect: [
      'forbidden AppArmor profiles (container "a" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/b="unconfined"")',
    ],
  },
  {
    name: 'RuntimeDefault and Localhost AppArmor profiles pass',
    spec: restrictedSpec({
      securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
      containers: [
        good('a', { securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } } }),
      ],
    }),
    expect: [],
  },
  {
    name: 'SELinux type, user and role are all reported',
    spec: restrictedSpec({
      securityContext: { seLinuxOptions: { type: 'spc_t' } },
      containers: [good('a', { securityContext: { seLinuxOptions: { user: 'u', role: 'r' } } })],
    }),
    expect: [
      'seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)',
    ],
  },
  {
    name: 'container_engine_t is allowed from v1.31 only',
    version: 'v1.30',
    spec: restrictedSpec({ securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }),
    expect: ['seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "container_engine_t")'],
  },
  {
    name: 'container_engine_t passes at latest',
    spec: restrictedSpec({
      securityContext: { seLinuxOptions: { type: 'container_engine_t', level: 's0:c1' } },
    }),
    expect: [],
  },
  {
    name: 'procMount Unmasked is forbidden',
    spec: restrictedSpec({
      containers: [good('a', { securityContext: { procMount: 'Unmasked' } })],
      hostUsers: false,
    }),
    expect: ['procMount (container "a" must not set securityContext.procMount to "Unmasked")'],
  },
  {
    name: 'procMount Default passes',
    spec: restrictedSpec({ containers: [good('a', { securityContext: { procMount: 'Default' } })] }),
    expect: [],
  },
  {
    name: 'baseline forbids an Unconfined seccomp profile but not an unset one',
    level: 'baseline',
    spec: {
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [{ name: 'a' }, { name: 'b', securityContext: { seccompProfile: { type: 'Unconfined' } } }],
    },
    expect: [
      'seccompProfile (pod and container "b" must not set securityContext.seccompProfile.type to "Unconfined")',
    ],
  },
  {
    name: 'before v1.19 baseline checks the seccomp annotations instead',
    level: 'baseline',
    version: 'v1.18',
    spec: { containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }] },
    annotations: {
      'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
      'container.seccomp.security.alpha.kubernetes.io/a': 'docker/default',
    },
    expect: ['seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")'],
  },
  {
    name: 'restricted names containers without a seccomp profile when the pod sets none',
    spec: restrictedSpec(
      {
        containers: [
          good('a'),
          good('b', { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'x' } } }),
        ],
      },
      ['seccompProfile'],
    ),
    expect: [
      'seccompProfile (pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ],
  },
  {
    name: 'restricted reports an explicit Unconfined instead of the unset containers',
    spec: restrictedSpec(
      { containers: [good('a'), good('b', { securityContext: { seccompProfile: { type: 'Unconfined' } } })] },
      ['seccompProfile'],
    ),
    expect: [
      'seccompProfile (container "b" must not set securityContext.seccompProfile.type to "Unconfined")',
    ],
  },
  {
    name: 'only the safe sysctls pass, the others are listed in order',
    spec: restrictedSpec({
      securityContext: {
        sysctls: [
          { name: 'net.core.somaxconn', value: '1' },
          { name: 'net.ipv4.tcp_rmem', value: '1 2 3' },
          { name: 'kernel.msgmax', value: '1' },
        ],
      },
    }),
    expect: ['forbidden sysctls (net.core.somaxconn, kernel.msgmax)'],
  },
  {
    name: 'tcp_rmem is not safe before v1.32',
    version: 'v1.31',
    spec: restrictedSpec({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1 2 3' }] } }),
    expect: ['forbidden sysctls (net.ipv4.tcp_rmem)'],
  },
  {
    name: 'hostProcess is forbidden on pod and containers',
    spec: restrictedSpec({
      securityContext: { windowsOptions: { hostProcess: true } },
      containers: [good('a', { securityContext: { windowsOptions: { hostProcess: true } } })],
    }),
    expect: [
      'hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)',
    ],
  },
  {
    name: 'allowPrivilegeEscalation must be false, not unset or true',
    spec: restrictedSpec({
      containers: [
        good('a', { securityContext: { allowPrivilegeEscalation: true } }),
        { name: 'b', securityContext: { capabilities: { drop: ['ALL'] } } },
        good('c'),
      ],
    }),
    expect: [
      'allowPrivilegeEscalation != false (containers "a", "b" must set securityContext.allowPrivilegeEscalation=false)',
    ],
  },
  {
    name: 'an explicit runAsNonRoot=false replaces the must-set message',
    spec: restrictedSpec({
      securityContext: { runAsNonRoot: false },
      containers: [good('a', { securityContext: { runAsNonRoot: false } }), good('b')],
    }),
    expect: ['runAsNonRoot != true (pod and container "a" must not set securityContext.runAsNonRoot=false)'],
  },
  {
    name: 'runAsNonRoot on every container satisfies the check',
    spec: restrictedSpec({ containers: [good('a', { securityContext: { runAsNonRoot: true } })] }, [
      'runAsNonRoot',
    ]),
    expect: [],
  },
  {
    name: 'containers without runAsNonRoot are named when the pod does not set it',
    spec: restrictedSpec(
      { containers: [good('a', { securityContext: { runAsNonRoot: true } }), good('b'), good('c')] },
      ['runAsNonRoot'],
    ),
    expect: ['runAsNonRoot != true (pod or containers "b", "c" must set securityContext.runAsNonRoot=true)'],
  },
  {
    name: 'runAsUser=0 is forbidden at pod and container level',
    spec: restrictedSpec({
      securityContext: { runAsUser: 0 },
      containers: [
        good('c', { securityContext: { runAsUser: 0 } }),
        good('d', { securityContext: { runAsUser: 1000 } }),
      ],
    }),
    expect: ['runAsUser=0 (pod and container "c" must not set runAsUser=0)'],
  },
  {
    name: 'runAsUser=0 is only checked from v1.23',
    version: 'v1.22',
    spec: restrictedSpec({ securityContext: { runAsUser: 0 } }),
    expect: [],
  },
  {
    name: 'ephemeral containers are checked after the others',
    spec: restrictedSpec({
      ephemeralContainers: [
        {
          name: 'debug',
          securityContext: {
            privileged: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    }),
    expect: ['privileged (container "debug" must not set securityContext.privileged=true)'],
  },
  {
    name: 'privileged level allows anything',
    level: 'privileged',
    spec: { hostNetwork: true, containers: [{ name: 'a', securityContext: { privileged: true } }] },
    expect: [],
  },
  {
    name: 'baseline does not run the restricted checks',
    level: 'baseline',
    spec: { containers: [{ name: 'a', image: 'nginx' }] },
    expect: [],
  },
  {
    name: 'Windows pods skip the Linux-only restricted checks from v1.25',
    spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'w' }] },
    expect: [],
  },
  {
    name: 'before v1.25 Windows pods get the Linux-only restricted checks too',
    version: 'v1.24',
    spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'w' }] },
    expect: [
      'allowPrivilegeEscalation != false (container "w" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (container "w" must set securityContext.capabilities.drop=["ALL"])',
      'seccompProfile (pod or container "w" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ],
  },
  {
    name: 'before v1.22 restricted uses the baseline capabilities check',
    version: 'v1.21',
    spec: restrictedSpec({
      containers: [good('a', { securityContext: { capabilities: { add: ['NET_RAW'] } } })],
    }),
    expect: [
      'non-default capabilities (container "a" must not include "NET_RAW" in securityContext.capabilities.add)',
    ],
  },
];

describe('Pod Security checks', () => {
  for (const c of cases) {
    test(c.name, () => {
      const got = checkPod(pod(c.spec, c.annotations), c.level ?? 'restricted', c.version ?? 'latest');
      assert.deepEqual(
        got.map((v) =>
          v.forbiddenDetail === '' ? v.forbiddenReason : `${v.forbiddenReason} (${v.forbiddenDetail})`,
        ),
        c.expect,
      );
    });
  }
});

test('violations come in upstream order: baseline IDs sorted, then restricted IDs sorted', () => {
  const got = checkPod(
    pod(
      {
        hostPID: true,
        securityContext: { runAsUser: 0, sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
        volumes: [{ name: 'h', hostPath: { path: '/' } }],
        containers: [
          {
            name: 'a',
            ports: [{ containerPort: 1, hostPort: 1 }],
            securityContext: {
              privileged: true,
              procMount: 'Unmasked',
              seLinuxOptions: { user: 'u' },
              appArmorProfile: { type: 'Unconfined' },
              windowsOptions: { hostProcess: true },
            },
          },
        ],
      },
      {},
    ),
    'restricted',
    'latest',
  );
  assert.deepEqual(
    got.map((v) => v.id),
    [
      'appArmorProfile',
      'hostNamespaces',
      'hostPorts',
      'privileged',
      'procMount',
      'seLinuxOptions',
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'runAsUser',
      'seccompProfile_restricted',
    ],
  );
});

test('an unparsable version is evaluated as latest, a future one as the newest known', () => {
  const spec = restrictedSpec({
    securityContext: { sysctls: [{ name: 'net.ipv4.tcp_wmem', value: '1 2 3' }] },
  });
  assert.deepEqual(checkPod(pod(spec), 'restricted', 'v2.0'), []);
  assert.deepEqual(checkPod(pod(spec), 'restricted', 'v1.99'), []);
  assert.equal(checkPod(pod(spec), 'restricted', 'v1.31').length, 1);
});
