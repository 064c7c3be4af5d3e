import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import assert from 'node:assert/strict';
import { defaultPod } from '../../../src/api/pod-defaults.js';
import { podWarnings, validatePod } from '../../../src/api/pod-validation.js';
import { containerErrors, errorsOf, labelMsg, podWith, subdomainMsg } from './pod-fixtures.js';

describe('a valid pod', () => {
  test('has no errors', () => {
    assert.deepEqual(errorsOf(podWith()), []);
  });

  test('with every common field filled in has no errors', () => {
    const pod = podWith(
      {
        hostname: 'web',
        subdomain: 'svc',
        activeDeadlineSeconds: 60,
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.conf' }] } },
        ],
        initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
      },
      {
        ports: [{ name: 'http', containerPort: 80 }],
        env: [
          { name: 'A', value: '1' },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        ],
        resources: { limits: { cpu: '1', memory: '128Mi' }, requests: { cpu: '500m' } },
        volumeMounts: [
          { name: 'data', mountPath: '/data' },
          { name: 'cfg', mountPath: '/etc/app', readOnly: true },
        ],
        livenessProbe: { httpGet: { port: 'http' } },
        readinessProbe: { tcpSocket: { port: 80 } },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
      },
    );
    pod.metadata = {
      name: 'web-1',
      labels: { app: 'web', 'app.kubernetes.io/name': 'web' },
      annotations: { Note: 'x' },
    };
    assert.deepEqual(errorsOf(pod), []);
  });
});

describe('a pod missing its containers', () => {
  test('without a spec is told containers are required', () => {
    assert.deepEqual(errorsOf({ metadata: { name: 'p' } }), ['spec.containers: Required value']);
  });

  test('with a spec lacking the list is told the same', () => {
    const pod = { metadata: { name: 'p' }, spec: {} } as unknown as Pod;
    assert.deepEqual(errorsOf(pod), ['spec.containers: Required value']);
  });
});

describe('metadata', () => {
  test('rejects a name that is not a DNS-1123 subdomain', () => {
    const pod = podWith();
    pod.metadata = { name: 'A_b' };
    assert.deepEqual(errorsOf(pod), [`metadata.name: Invalid value: "A_b": ${subdomainMsg}`]);
  });

  test('requires a name or generateName', () => {
    const pod = podWith();
    pod.metadata = {};
    assert.deepEqual(errorsOf(pod), ['metadata.name: Required value: name or generateName is required']);
  });

  test('accepts a generateName that ends with a dash', () => {
    const pod = podWith();
    pod.metadata = { generateName: 'web-' };
    assert.deepEqual(errorsOf(pod), []);
  });

  test('rejects a namespace that is not a DNS-1123 label', () => {
    const pod = podWith();
    pod.metadata = { name: 'p', namespace: 'Team' };
    assert.deepEqual(errorsOf(pod), [`metadata.namespace: Invalid value: "Team": ${labelMsg}`]);
  });

  test('reports bad label keys and values against the labels map', () => {
    const pod = podWith();
    pod.metadata = { name: 'p', labels: { 'a b': 'ok', ok: 'not ok' } };
    const errors = errorsOf(pod);
    assert.equal(errors.length, 2);
    assert.match(
      errors[0] ?? '',
      /^metadata\.labels: Invalid value: "a b": name part must consist of alphanumeric/,
    );
    assert.match(
      errors[1] ?? '',
      /^metadata\.labels: Invalid value: "not ok": a valid label must be an empty string/,
    );
  });

  test('checks annotation keys case-insensitively', () => {
    const pod = podWith();
    pod.metadata = { name: 'p', annotations: { 'Example.COM/Key': 'v', 'bad key': 'v' } };
    const errors = errorsOf(pod);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^metadata\.annotations: Invalid value: "bad key": name part/);
  });

  test('limits annotations to 256 KiB in total', () => {
    const pod = podWith();
    pod.metadata = { name: 'p', annotations: { big: 'x'.repeat(256 * 1024) } };
    assert.deepEqual(errorsOf(pod), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
  });

  test('rejects a deletion cost that is not a 32-bit integer', () => {
    const pod = podWith();
    pod.metadata = { name: 'p', annotations: { 'controller.kubernetes.io/pod-deletion-cost': '+10' } };
    assert.deepEqual(errorsOf(pod), [
      'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+10": must be a 32bit integer',
    ]);
  });
});

describe('pod-level fields', () => {
  test('restartPolicy and dnsPolicy take their supported values', () => {
    assert.deepEqual(errorsOf(podWith({ restartPolicy: 'Sometimes', dnsPolicy: 'Google' })), [
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]);
  });

  test('activeDeadlineSeconds is positive', () => {
    assert.deepEqual(errorsOf(podWith({ activeDeadlineSeconds: 0 })), [
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
    ]);
  });

  test('a negative grace period is accepted with a warning', () => {
    const pod = defaultPod(podWith({ terminationGracePeriodSeconds: -1 }));
    assert.deepEqual(validatePod(pod), []);
    assert.deepEqual(podWarnings(pod), [
      'spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1',
    ]);
  });

  test('hostname and subdomain are DNS-1123 labels', () => {
    assert.deepEqual(errorsOf(podWith({ hostname: 'my.host', subdomain: 'Svc' })), [
      'spec.hostname: Invalid value: "my.host": must not contain dots',
      `spec.subdomain: Invalid value: "Svc": ${labelMsg}`,
    ]);
  });

  test('dnsPolicy None needs a dnsConfig', () => {
    assert.deepEqual(errorsOf(podWith({ dnsPolicy: 'None' })), [
      'spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None',
    ]);
  });

  test('ephemeral containers cannot be set on create', () => {
    const pod = podWith({ ephemeralContainers: [{ name: 'debug', image: 'busybox' }] });
    assert.deepEqual(errorsOf(pod), ['spec.ephemeralContainers: Forbidden: cannot be set on create']);
  });

  test('tolerations with an empty key must use Exists', () => {
    assert.deepEqual(errorsOf(podWith({ tolerations: [{ operator: 'Equal', value: 'x' }] })), [
      'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    ]);
  });
});

describe('security contexts', () => {
  test('user ids are uint32', () => {
    assert.deepEqual(containerErrors({ securityContext: { runAsUser: -1 } }), [
      'spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 4294967295, inclusive',
    ]);
  });

  test('an unmasked /proc needs a user namespace', () => {
    assert.deepEqual(containerErrors({ securityContext: { procMount: 'Unmasked' } }), [
      'spec.containers[0].securityContext.procMount: Invalid value: "Unmasked": `hostUsers` must be false to use `Unmasked`',
    ]);
  });

  test('a seccomp profile needs a type', () => {
    assert.deepEqual(errorsOf(podWith({ securityContext: { seccompProfile: { type: '' } } })), [
      'spec.securityContext.seccompProfile.type: Required value: type is required when seccompProfile is set',
    ]);
  });

  test('duplicate sysctls are refused', () => {
    const sysctls = [
      { name: 'net.core.somaxconn', value: '1' },
      { name: 'net.core.somaxconn', value: '2' },
    ];
    assert.deepEqual(errorsOf(podWith({ securityContext: { sysctls } })), [
      'spec.securityContext.sysctls[1].name: Duplicate value: "net.core.somaxconn"',
    ]);
  });
});

describe('podWarnings', () => {
  test('warns about an env variable that hides an earlier one', () => {
    const pod = podWith(
      {},
      {
        env: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      },
    );
    assert.deepEqual(podWarnings(pod), [
      'spec.containers[0].env[1]: hides previous definition of "A", which may be dropped when using apply',
    ]);
  });

  test('does not warn when the later value builds on the earlier one', () => {
    const pod = podWith(
      {},
      {
        env: [
          { name: 'P', value: '/a' },
          { name: 'P', value: '$(P):/b' },
        ],
      },
    );
    assert.deepEqual(podWarnings(pod), []);
  });
});
