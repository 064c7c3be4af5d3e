// A container's environment from every source the kubelet reads, through kubectl: values with $(VAR) expansion,
// the downward API, resource fields, ConfigMaps and Secrets (keys and envFrom), and what a missing one does.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const objects = `
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { COLOR: blue, size: large }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: odd }
data: { 1bad: skipped, fine: kept }
---
apiVersion: v1
kind: Secret
metadata: { name: creds }
stringData: { password: s3cret }
`;

const envPod = `
apiVersion: v1
kind: Pod
metadata: { name: env-demo, labels: { app: demo } }
spec:
  restartPolicy: Never
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', "env | sort; echo 'args: $(GREETING)'"]
      resources: { requests: { cpu: 250m }, limits: { memory: 64Mi } }
      envFrom:
        - configMapRef: { name: settings }
          prefix: CM_
        - configMapRef: { name: odd }
      env:
        - { name: NAME, value: world }
        - { name: GREETING, value: 'hello $(NAME), $$(NAME) stays' }
        - name: POD_NAME
          valueFrom: { fieldRef: { fieldPath: metadata.name } }
        - name: APP
          valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } }
        - name: POD_IP
          valueFrom: { fieldRef: { fieldPath: status.podIP } }
        - name: MEMORY_MI
          valueFrom: { resourceFieldRef: { resource: limits.memory, divisor: 1Mi } }
        - name: CPU_MILLI
          valueFrom: { resourceFieldRef: { resource: requests.cpu, divisor: 1m } }
        - name: COLOR
          valueFrom: { configMapKeyRef: { name: settings, key: COLOR } }
        - name: PASSWORD
          valueFrom: { secretKeyRef: { name: creds, key: password } }
        - name: MAYBE
          valueFrom: { configMapKeyRef: { name: absent, key: x, optional: true } }
`;

describe('container environment through kubectl', () => {
  const k = useCluster();

  test('env comes from values, the downward API, resources, ConfigMaps and Secrets, with $(VAR) expanded', async () => {
    await k.ok(['apply', '-f', '-'], { input: objects });
    await k.ok(['apply', '-f', '-'], { input: envPod });
    await waitFor('the pod to finish', async () => {
      const pod = JSON.parse(await k.ok(['get', 'pod', 'env-demo', '-o', 'json'])) as Pod;
      return pod.status?.phase === 'Succeeded';
    });
    const log = await k.ok(['logs', 'env-demo']);
    const podIP = await k.ok(['get', 'pod', 'env-demo', '-o', 'jsonpath={.status.podIP}']);
    for (const line of [
      'NAME=world',
      'GREETING=hello world, $(NAME) stays',
      'POD_NAME=env-demo',
      'APP=demo',
      `POD_IP=${podIP}`,
      'MEMORY_MI=64',
      'CPU_MILLI=250',
      'COLOR=blue',
      'PASSWORD=s3cret',
      'CM_COLOR=blue',
      'CM_size=large',
      'fine=kept',
      'args: hello world, $(NAME) stays',
    ]) {
      assert.ok(log.split('\n').includes(line), `missing ${line} in:\n${log}`);
    }
    assert.doesNotMatch(log, /^MAYBE=/m);
    assert.doesNotMatch(log, /1bad/);
    const events = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=env-demo']);
    assert.match(
      events,
      /InvalidEnvironmentVariableNames\s+pod\/env-demo\s+Keys \[1bad\] from the EnvFrom configMap default\/odd were skipped/,
    );
    await k.ok(['delete', 'pod', 'env-demo']);
  });

  test('a missing ConfigMap holds the container in CreateContainerConfigError until it exists', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: waits }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'echo $LEVEL; sleep 3600']
      env:
        - name: LEVEL
          valueFrom: { configMapKeyRef: { name: later, key: level } }
`,
    });
    await waitFor('CreateContainerConfigError', async () =>
      /waits\s+0\/1\s+CreateContainerConfigError/.test(await k.ok(['get', 'pod', 'waits', '--no-headers'])),
    );
    const waiting = JSON.parse(await k.ok(['get', 'pod', 'waits', '-o', 'json'])) as Pod;
    assert.equal(
      waiting.status?.containerStatuses?.[0]?.state?.waiting?.message,
      'configmap "later" not found',
    );
    await k.ok(['create', 'configmap', 'later', '--from-literal=level=debug']);
    await k.ok(['wait', '--for=condition=Ready', 'pod/waits', '--timeout=60s']);
    await waitFor('the value in the log', async () => (await k.ok(['logs', 'waits'])) === 'debug\n');
    await k.ok(['delete', 'pod', 'waits']);
  });
});
