import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerErrors, errorsOf, labelMsg, podWith } from './pod-fixtures.js';

describe('containers', () => {
  test('a pod needs at least one container', () => {
    assert.deepEqual(errorsOf({ metadata: { name: 'p' }, spec: { containers: [] } }), [
      'spec.containers: Required value',
    ]);
  });

  test('a container needs a name and an image', () => {
    assert.deepEqual(containerErrors({ name: '', image: '' }), [
      'spec.containers[0].name: Required value',
      'spec.containers[0].image: Required value',
    ]);
  });

  test('a container name is a DNS-1123 label', () => {
    assert.deepEqual(containerErrors({ name: 'Web' }), [
      `spec.containers[0].name: Invalid value: "Web": ${labelMsg}`,
    ]);
  });

  test('container names are unique across regular and init containers', () => {
    const pod = podWith({ initContainers: [{ name: 'c', image: 'busybox' }] });
    pod.spec?.containers.push({ name: 'c', image: 'nginx' });
    assert.deepEqual(errorsOf(pod), [
      'spec.containers[1].name: Duplicate value: "c"',
      'spec.initContainers[0].name: Duplicate value: "c"',
    ]);
  });

  test('an image padded with whitespace is refused', () => {
    assert.deepEqual(containerErrors({ image: ' nginx' }), [
      'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace',
    ]);
  });

  test('imagePullPolicy and terminationMessagePolicy take their supported values', () => {
    assert.deepEqual(containerErrors({ imagePullPolicy: 'Sometimes', terminationMessagePolicy: 'Log' }), [
      'spec.containers[0].terminationMessagePolicy: Unsupported value: "Log": supported values: "File", "FallbackToLogsOnError"',
      'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    ]);
  });

  test('a regular container may not set restartPolicy', () => {
    assert.deepEqual(containerErrors({ restartPolicy: 'Always' }), [
      'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
    ]);
  });
});

describe('init containers', () => {
  test('only Always is a supported restartPolicy', () => {
    const pod = podWith({ initContainers: [{ name: 'i', image: 'busybox', restartPolicy: 'Never' }] });
    assert.deepEqual(errorsOf(pod), [
      'spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  test('a plain init container may not have probes or hooks', () => {
    const probe = { exec: { command: ['true'] } };
    const pod = podWith({ initContainers: [{ name: 'i', image: 'busybox', readinessProbe: probe }] });
    assert.deepEqual(errorsOf(pod), [
      'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    ]);
  });

  test('a sidecar may have probes, and they are validated', () => {
    const sidecar = {
      name: 's',
      image: 'envoy',
      restartPolicy: 'Always',
      livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 },
    };
    assert.deepEqual(errorsOf(podWith({ initContainers: [sidecar] })), [
      'spec.initContainers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    ]);
  });
});

describe('ports', () => {
  test('containerPort is required and in range', () => {
    assert.deepEqual(containerErrors({ ports: [{ containerPort: 0 }, { containerPort: 70000 }] }), [
      'spec.containers[0].ports[0].containerPort: Required value',
      'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
  });

  test('protocol takes a supported value', () => {
    assert.deepEqual(containerErrors({ ports: [{ containerPort: 80, protocol: 'HTTP' }] }), [
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  test('port names are IANA service names and unique within a container', () => {
    const ports = [
      { name: 'http', containerPort: 80 },
      { name: 'http', containerPort: 81 },
      { name: '8080', containerPort: 82 },
    ];
    assert.deepEqual(containerErrors({ ports }), [
      'spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.containers[0].ports[2].name: Invalid value: "8080": must contain at least one letter (a-z)',
    ]);
  });

  test('a host port is bound once per protocol and address', () => {
    const pod = podWith({}, { ports: [{ containerPort: 80, hostPort: 8080 }] });
    pod.spec?.containers.push({ name: 'd', image: 'nginx', ports: [{ containerPort: 81, hostPort: 8080 }] });
    assert.deepEqual(errorsOf(pod), ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']);
  });

  test('with host networking the host port must equal the container port', () => {
    const pod = podWith({ hostNetwork: true }, { ports: [{ containerPort: 80, hostPort: 8080 }] });
    assert.deepEqual(errorsOf(pod), [
      'spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true',
    ]);
  });
});

describe('env', () => {
  test('a variable needs a name without "="', () => {
    assert.deepEqual(containerErrors({ env: [{ name: '' }, { name: 'A=B' }, { name: '1 weird-but.ok' }] }), [
      'spec.containers[0].env[0].name: Required value',
      `spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    ]);
  });

  test('valueFrom names exactly one source and excludes value', () => {
    const env = [
      { name: 'A', valueFrom: {} },
      { name: 'B', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    ];
    assert.deepEqual(containerErrors({ env }), [
      'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    ]);
  });

  test('fieldRef takes the downward API paths env supports', () => {
    assert.deepEqual(
      containerErrors({ env: [{ name: 'P', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }] }),
      [
        'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      ],
    );
  });

  test('fieldRef reports a path the downward API cannot convert', () => {
    assert.deepEqual(
      containerErrors({ env: [{ name: 'P', valueFrom: { fieldRef: { fieldPath: 'spec.foo' } } }] }),
      [
        'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.foo": error converting fieldPath: field label not supported: spec.foo',
      ],
    );
  });

  test('resourceFieldRef names a known resource', () => {
    const env = [{ name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }];
    assert.deepEqual(containerErrors({ env }), [
      'spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"',
    ]);
  });

  test('a configMapKeyRef needs a key', () => {
    const env = [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: '' } } }];
    assert.deepEqual(containerErrors({ env }), [
      'spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Required value',
    ]);
  });

  test('envFrom names a configMap or a secret', () => {
    assert.deepEqual(containerErrors({ envFrom: [{ prefix: 'X_' }] }), [
      'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
    ]);
  });
});

describe('volumes', () => {
  test('a volume name is a unique DNS-1123 label', () => {
    const volumes = [
      { name: 'Data', emptyDir: {} },
      { name: 'd', emptyDir: {} },
      { name: 'd', emptyDir: {} },
    ];
    assert.deepEqual(errorsOf(podWith({ volumes })), [
      `spec.volumes[0].name: Invalid value: "Data": ${labelMsg}`,
      'spec.volumes[2].name: Duplicate value: "d"',
    ]);
  });

  test('a volume has exactly one source', () => {
    const volumes = [{ name: 'd', emptyDir: {}, hostPath: { path: '/tmp' }, secret: { secretName: 's' } }];
    assert.deepEqual(errorsOf(podWith({ volumes })), [
      'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
      'spec.volumes[0].secret: Forbidden: may not specify more than 1 volume type',
    ]);
  });

  test('sources are checked: secret name, hostPath type, configMap item paths', () => {
    const volumes = [
      { name: 's', secret: {} },
      { name: 'h', hostPath: { path: '/x', type: 'Dir' } },
      { name: 'c', configMap: { name: 'c', items: [{ key: 'k', path: '../etc' }], defaultMode: 1000 } },
    ];
    assert.deepEqual(errorsOf(podWith({ volumes })), [
      'spec.volumes[0].secret.secretName: Required value',
      'spec.volumes[1].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
      'spec.volumes[2].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
      'spec.volumes[2].configMap.items[0].path: Invalid value: "../etc": must not contain \'..\'',
    ]);
  });

  test('a mount must name a volume of the pod', () => {
    assert.deepEqual(containerErrors({ volumeMounts: [{ name: 'x', mountPath: '/x' }] }), [
      'spec.containers[0].volumeMounts[0].name: Not found: "x"',
    ]);
  });

  test('a mount of an invalid volume is not found either', () => {
    const pod = podWith(
      { volumes: [{ name: 's', secret: {} }] },
      { volumeMounts: [{ name: 's', mountPath: '/s' }] },
    );
    assert.deepEqual(errorsOf(pod), [
      'spec.volumes[0].secret.secretName: Required value',
      'spec.containers[0].volumeMounts[0].name: Not found: "s"',
    ]);
  });

  test('mount paths are required and unique within a container', () => {
    const volumeMounts = [
      { name: 'd', mountPath: '' },
      { name: 'd', mountPath: '/d' },
      { name: 'd', mountPath: '/d' },
    ];
    assert.deepEqual(errorsOf(podWith({ volumes: [{ name: 'd', emptyDir: {} }] }, { volumeMounts })), [
      'spec.containers[0].volumeMounts[0].mountPath: Required value',
      'spec.containers[0].volumeMounts[2].mountPath: Invalid value: "/d": must be unique',
    ]);
  });

  test('a subPath is relative and reported against volumeMounts', () => {
    const pod = podWith(
      { volumes: [{ name: 'd', emptyDir: {} }] },
      { volumeMounts: [{ name: 'd', mountPath: '/d', subPath: '/abs' }] },
    );
    assert.deepEqual(errorsOf(pod), [
      'spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path',
    ]);
  });

  test('a projected service account token needs a service account', () => {
    const volumes = [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }];
    assert.deepEqual(errorsOf(podWith({ volumes })), [
      'spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set',
    ]);
  });
});

describe('resources', () => {
  test('requests may not exceed limits', () => {
    assert.deepEqual(containerErrors({ resources: { limits: { cpu: '1' }, requests: { cpu: '2' } } }), [
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ]);
  });

  test('compares quantities by value, not text', () => {
    assert.deepEqual(
      containerErrors({ resources: { limits: { memory: '1Gi' }, requests: { memory: '1000Mi' } } }),
      [],
    );
  });

  test('quantities are non-negative', () => {
    assert.deepEqual(containerErrors({ resources: { requests: { memory: '-1' } } }), [
      'spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0',
    ]);
  });

  test('a quantity must parse', () => {
    assert.deepEqual(containerErrors({ resources: { requests: { cpu: 'lots' } } }), [
      'spec.containers[0].resources.requests[cpu]: Invalid value: "lots": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    ]);
  });

  test('an unprefixed resource must be a standard container resource', () => {
    assert.deepEqual(containerErrors({ resources: { limits: { gpu: '1' } } }), [
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    ]);
  });

  test('extended resources are whole numbers', () => {
    assert.deepEqual(containerErrors({ resources: { limits: { 'example.com/gpu': '500m' } } }), [
      'spec.containers[0].resources.limits[example.com/gpu]: Invalid value: "500m": must be an integer',
      'spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "500m": must be an integer',
    ]);
  });

  test('hugepages need cpu or memory', () => {
    assert.deepEqual(containerErrors({ resources: { limits: { 'hugepages-2Mi': '2Mi' } } }), [
      'spec.containers[0].resources: Forbidden: HugePages require cpu or memory',
    ]);
  });
});

describe('probes and hooks', () => {
  test('a probe needs a handler', () => {
    assert.deepEqual(containerErrors({ livenessProbe: {} }), [
      'spec.containers[0].livenessProbe: Required value: must specify a handler type',
    ]);
  });

  test('a probe has only one handler', () => {
    assert.deepEqual(
      containerErrors({ readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } }),
      ['spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'],
    );
  });

  test('liveness and startup probes succeed after one success', () => {
    assert.deepEqual(
      containerErrors({ startupProbe: { exec: { command: ['true'] }, successThreshold: 3 } }),
      ['spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1'],
    );
  });

  test('a readiness probe has no termination grace period', () => {
    assert.deepEqual(
      containerErrors({ readinessProbe: { exec: { command: ['true'] }, terminationGracePeriodSeconds: 5 } }),
      [
        'spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes',
      ],
    );
  });

  test('probe timings are non-negative', () => {
    assert.deepEqual(
      containerErrors({ livenessProbe: { exec: { command: ['true'] }, initialDelaySeconds: -1 } }),
      [
        'spec.containers[0].livenessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0',
      ],
    );
  });

  test('handlers are checked: exec command, HTTP port name', () => {
    assert.deepEqual(
      containerErrors({
        livenessProbe: { exec: { command: [] } },
        readinessProbe: { httpGet: { port: 'Web' } },
      }),
      [
        'spec.containers[0].livenessProbe.exec.command: Required value',
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    );
  });

  test('a sleep hook lasts at most the grace period', () => {
    assert.deepEqual(containerErrors({ lifecycle: { preStop: { sleep: { seconds: 40 } } } }), [
      'spec.containers[0].lifecycle.preStop.sleep: Invalid value: 40: must be non-negative and less than terminationGracePeriodSeconds (30)',
    ]);
  });
});
