import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { hostPortsOf, podTrapWarnings } from '../../../src/api/pod-traps.js';

const pod = (spec: NonNullable<Pod['spec']>, name = 'p'): Pod => ({
  metadata: { name, namespace: 'default' },
  spec,
});

test('an emptyDir without sizeLimit is a warning; with one, or in memory, it is not', () => {
  const warnings = podTrapWarnings(
    pod({
      containers: [{ name: 'c' }],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'sized', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'ram', emptyDir: { medium: 'Memory' } },
      ],
    }),
    new Map(),
  );
  assert.deepEqual(warnings, [
    `spec.volumes[0].emptyDir: volume "scratch" has no sizeLimit: it may fill the node's disk and get every pod on the node evicted`,
  ]);
});

test('a container without a memory limit next to one with a limit is a warning; sidecars count, init containers do not', () => {
  const warnings = podTrapWarnings(
    pod({
      initContainers: [{ name: 'setup' }, { name: 'proxy', restartPolicy: 'Always' }],
      containers: [{ name: 'app', resources: { limits: { memory: '64Mi' } } }, { name: 'logger' }],
    }),
    new Map(),
  );
  assert.deepEqual(warnings, [
    `spec.initContainers[1]: container "proxy" has no memory limit while "app" has one: it can use all the node's memory`,
    `spec.containers[1]: container "logger" has no memory limit while "app" has one: it can use all the node's memory`,
  ]);
  assert.deepEqual(podTrapWarnings(pod({ containers: [{ name: 'a' }, { name: 'b' }] }), new Map()), []);
});

test('two containers declaring one containerPort is a warning; the same port over UDP is not', () => {
  const warnings = podTrapWarnings(
    pod({
      containers: [
        { name: 'a', ports: [{ containerPort: 8080 }] },
        {
          name: 'b',
          ports: [
            { containerPort: 8080, protocol: 'TCP' },
            { containerPort: 8080, protocol: 'UDP' },
          ],
        },
      ],
    }),
    new Map(),
  );
  assert.deepEqual(warnings, [
    `spec.containers[1].ports[0]: containerPort 8080/TCP is also declared by container "a" (spec.containers[0].ports[0]): containers of a pod share one network namespace, only one of them can listen on it`,
  ]);
});

test('a hostPort another pod of the node holds is a warning naming that pod', () => {
  const other = pod(
    { containers: [{ name: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] }] },
    'holder',
  );
  const warnings = podTrapWarnings(
    pod({
      containers: [
        {
          name: 'c',
          ports: [
            { containerPort: 80, hostPort: 8080 },
            { containerPort: 81, hostPort: 8081 },
          ],
        },
      ],
    }),
    hostPortsOf([other]),
  );
  assert.deepEqual(warnings, [
    `spec.containers[0].ports[0].hostPort: port 8080/TCP is already used by pod default/holder on this node: this pod's port mapping will not receive its traffic`,
  ]);
});
