import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  admitPod,
  isIgnoredPodSubresource,
  isSignificantPodUpdate,
} from '../../../../src/api/pod-security/admission.js';
import {
  formatLevelVersion,
  namespacePolicy,
  policyToEvaluate,
} from '../../../../src/api/pod-security/policy.js';
import { forbiddenDetail } from '../../../../src/api/pod-security/registry.js';

const label = (mode: string, value: string): Record<string, string> => ({
  [`pod-security.kubernetes.io/${mode}`]: value,
});
// What `kubectl run x --image=nginx` creates.
const plainPod: Pod = { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
const restrictedDetail =
  'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
  'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
  'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
  'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
const privilegedPod: Pod = {
  metadata: { name: 'priv' },
  spec: {
    hostNetwork: true,
    containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }],
  },
};

describe('namespace labels', () => {
  const cases: {
    name: string;
    labels: Record<string, string> | undefined;
    expect: [string, string, string];
  }[] = [
    {
      name: 'no labels mean privileged:latest everywhere',
      labels: undefined,
      expect: ['privileged:latest', 'privileged:latest', 'privileged:latest'],
    },
    {
      name: 'each mode takes its level and version',
      labels: {
        ...label('enforce', 'baseline'),
        ...label('enforce-version', 'v1.29'),
        ...label('warn', 'restricted'),
      },
      expect: ['baseline:v1.29', 'restricted:latest', 'privileged:latest'],
    },
    {
      name: 'a version without a level keeps the privileged default',
      labels: label('audit-version', 'v1.30'),
      expect: ['privileged:latest', 'privileged:latest', 'privileged:v1.30'],
    },
    {
      name: 'an invalid enforce level fails closed, invalid warn and audit levels fail open',
      labels: { ...label('enforce', 'strict'), ...label('warn', 'strict'), ...label('audit', 'Restricted') },
      expect: ['restricted:latest', 'privileged:latest', 'privileged:latest'],
    },
    {
      name: 'an invalid version means latest',
      labels: { ...label('enforce', 'baseline'), ...label('enforce-version', 'v1.025') },
      expect: ['baseline:latest', 'privileged:latest', 'privileged:latest'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { policy } = policyToEvaluate(c.labels);
      assert.deepEqual([policy.enforce, policy.warn, policy.audit].map(formatLevelVersion), c.expect);
    });
  }

  test('valid labels give the policy', () => {
    assert.deepEqual(
      namespacePolicy({ ...label('enforce', 'restricted'), ...label('enforce-version', 'v1.33') }),
      {
        enforce: { level: 'restricted', version: 33 },
        warn: { level: 'privileged', version: 'latest' },
        audit: { level: 'privileged', version: 'latest' },
      },
    );
  });

  test('one invalid label gives the field error kube-apiserver rejects the namespace with', () => {
    const result = namespacePolicy(label('enforce', 'strict'));
    assert.ok('error' in result);
    assert.equal(
      result.error,
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
    );
  });

  test('several invalid labels are aggregated in brackets', () => {
    const result = namespacePolicy({ ...label('warn', 'x'), ...label('warn-version', '1.30') });
    assert.ok('error' in result);
    assert.equal(result.errors.length, 2);
    assert.equal(
      result.error,
      '[metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "x": must be one of privileged, baseline, restricted, ' +
        'metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.30": must be "latest" or "v1.x"]',
    );
  });
});

describe('admitPod', () => {
  test("a plain pod under enforce=restricted is forbidden with kube-apiserver's message", () => {
    assert.deepEqual(admitPod(plainPod, label('enforce', 'restricted')), {
      warnings: [],
      denied: `pods "x" is forbidden: violates PodSecurity "restricted:latest": ${restrictedDetail}`,
    });
  });

  test('warn=restricted admits the pod with one warning', () => {
    assert.deepEqual(admitPod(plainPod, label('warn', 'restricted')), {
      warnings: [`would violate PodSecurity "restricted:latest": ${restrictedDetail}`],
    });
  });

  test('the version label shows in the message as given', () => {
    const result = admitPod(privilegedPod, {
      ...label('enforce', 'baseline'),
      ...label('enforce-version', 'v1.30'),
    });
    assert.equal(
      result.denied,
      'pods "priv" is forbidden: violates PodSecurity "baseline:v1.30": host namespaces (hostNetwork=true), ' +
        'privileged (container "c" must not set securityContext.privileged=true)',
    );
  });

  test('a denied pod gets no warnings, but the audit violation is still reported', () => {
    const result = admitPod(plainPod, {
      ...label('enforce', 'restricted'),
      ...label('warn', 'restricted'),
      ...label('audit', 'restricted'),
    });
    assert.deepEqual(result.warnings, []);
    assert.equal(result.auditViolation, `would violate PodSecurity "restricted:latest": ${restrictedDetail}`);
    assert.ok(result.denied);
  });

  test('a pod passing enforce=baseline is warned about restricted', () => {
    const result = admitPod(plainPod, { ...label('enforce', 'baseline'), ...label('warn', 'restricted') });
    assert.equal(result.denied, undefined);
    assert.deepEqual(result.warnings, [`would violate PodSecurity "restricted:latest": ${restrictedDetail}`]);
  });

  test('a privileged namespace admits anything silently', () => {
    assert.deepEqual(admitPod(privilegedPod, label('enforce', 'privileged')), { warnings: [] });
    assert.deepEqual(admitPod(privilegedPod, undefined), { warnings: [] });
  });

  test('an invalid enforce label enforces restricted', () => {
    assert.equal(
      admitPod(plainPod, label('enforce', 'bogus')).denied,
      `pods "x" is forbidden: violates PodSecurity "restricted:latest": ${restrictedDetail}`,
    );
  });
});

test('forbiddenDetail leaves out the parentheses for an empty detail', () => {
  assert.equal(
    forbiddenDetail([
      { forbiddenReason: 'a', forbiddenDetail: '' },
      { forbiddenReason: 'b', forbiddenDetail: 'x' },
    ]),
    'a, b (x)',
  );
});

describe('pod updates', () => {
  const base: Pod = {
    metadata: { name: 'p', labels: { a: '1' } },
    spec: {
      containers: [{ name: 'c', image: 'nginx' }],
      initContainers: [{ name: 'i', image: 'busybox' }],
    },
  };
  const cases: { name: string; change: (p: Pod) => Pod; significant: boolean }[] = [
    {
      name: 'a label change is not evaluated',
      change: (p) => ({ ...p, metadata: { name: 'p', labels: { a: '2' } } }),
      significant: false,
    },
    {
      name: 'an image change is evaluated',
      change: (p) => ({ ...p, spec: { ...p.spec, containers: [{ name: 'c', image: 'nginx:2' }] } }),
      significant: true,
    },
    {
      name: 'an init container image change is evaluated',
      change: (p) => ({
        ...p,
        spec: { containers: p.spec?.containers ?? [], initContainers: [{ name: 'i', image: 'x' }] },
      }),
      significant: true,
    },
    {
      name: 'a container seccomp annotation change is evaluated',
      change: (p) => ({
        ...p,
        metadata: {
          name: 'p',
          annotations: { 'container.seccomp.security.alpha.kubernetes.io/c': 'unconfined' },
        },
      }),
      significant: true,
    },
    {
      name: 'an added ephemeral container is evaluated',
      change: (p) => ({
        ...p,
        spec: {
          containers: p.spec?.containers ?? [],
          initContainers: p.spec?.initContainers ?? [],
          ephemeralContainers: [{ name: 'd', image: 'busybox' }],
        },
      }),
      significant: true,
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(isSignificantPodUpdate(c.change(base), base), c.significant));
  }

  test('status, exec and log writes skip PodSecurity; ephemeralcontainers does not', () => {
    assert.deepEqual(['status', 'exec', 'log', 'ephemeralcontainers', ''].map(isIgnoredPodSubresource), [
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
