// kubectl debug with an ephemeral container: the PATCH of pods/ephemeralcontainers adds the
// container to the pod's spec (defaulted, watchers told), and the subresource's rules hold: no changes to an
// existing ephemeral container, no removal, no forbidden fields, Pod Security applied to the new container; the node
// runs it in its target's PID namespace.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const suffix = randomBytes(3).toString('hex');

function podManifest(name: string, namespace: string): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }
`;
}

describe('kubectl debug', () => {
  const k = useCluster();
  const patchEphemeral = (pod: string, type: string, patch: unknown) =>
    k.kubectl([
      'patch',
      'pod',
      pod,
      '--subresource=ephemeralcontainers',
      `--type=${type}`,
      '-p',
      JSON.stringify(patch),
    ]);
  const getPod = async (name: string, namespace = 'default') =>
    JSON.parse(await k.ok(['get', 'pod', name, '-n', namespace, '-o', 'json'])) as Pod;

  test('adds an ephemeral container to the pod spec, with defaults, and watchers see it', async () => {
    await k.ok(['apply', '-f', '-'], { input: podManifest('target', 'default') });
    const before = await getPod('target');
    const out = await k.ok([
      'debug',
      'target',
      `--image=${TEST_IMAGE}`,
      '--target=c',
      '--attach=false',
      '-c',
      'dbg',
      '--',
      'sleep',
      '1',
    ]);
    assert.match(out, /Targeting container "c"/);
    assert.equal(
      await k.ok(['get', 'pod', 'target', '-o', 'jsonpath={.spec.ephemeralContainers[*].name}']),
      'dbg',
    );
    const after = await getPod('target');
    assert.deepEqual(after.spec?.ephemeralContainers?.[0], {
      name: 'dbg',
      image: TEST_IMAGE,
      command: ['sleep', '1'],
      targetContainerName: 'c',
      resources: {},
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
    });
    assert.equal(after.metadata?.uid, before.metadata?.uid);
    assert.ok(Number(after.metadata?.resourceVersion) > Number(before.metadata?.resourceVersion));
    // A watch from the version before the patch replays what came after it, the patch among them.
    const events = await k.ok([
      'get',
      '--raw',
      `/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Dtarget&resourceVersion=${before.metadata?.resourceVersion}&timeoutSeconds=2`,
    ]);
    const added = events
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { type: string; object: Pod })
      .find((e) => (e.object.spec?.ephemeralContainers ?? []).length > 0);
    assert.equal(added?.type, 'MODIFIED');
  });

  test('refuses to change or remove an existing ephemeral container, or to add one with ports', async () => {
    // A strategic merge patch without $setElementOrder puts the items it adds first (normalizeElementOrder).
    const changed = await patchEphemeral('target', 'strategic', {
      spec: { ephemeralContainers: [{ name: 'dbg', image: `${TEST_IMAGE}-other` }] },
    });
    assert.notEqual(changed.exitCode, 0);
    assert.match(
      changed.stderr,
      /The Pod "target" is invalid: spec\.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be changed/,
    );
    const removed = await patchEphemeral('target', 'json', [
      { op: 'remove', path: '/spec/ephemeralContainers/0' },
    ]);
    assert.notEqual(removed.exitCode, 0);
    assert.match(removed.stderr, /existing ephemeral containers "dbg" may not be removed/);
    const withPorts = await patchEphemeral('target', 'strategic', {
      spec: {
        ephemeralContainers: [
          {
            name: 'dbg2',
            image: TEST_IMAGE,
            terminationMessagePolicy: 'File',
            ports: [{ containerPort: 80 }],
          },
        ],
      },
    });
    assert.notEqual(withPorts.exitCode, 0);
    assert.match(
      withPorts.stderr,
      /The Pod "target" is invalid: spec\.ephemeralContainers\[0\]\.ports: Forbidden: cannot be set for an Ephemeral Container/,
    );
    const taken = await patchEphemeral('target', 'merge', {
      spec: {
        ephemeralContainers: [
          { name: 'dbg', image: TEST_IMAGE, command: ['sleep', '1'], targetContainerName: 'c' },
          { name: 'c', image: TEST_IMAGE },
        ],
      },
    });
    assert.notEqual(taken.exitCode, 0);
    assert.match(taken.stderr, /spec\.ephemeralContainers\[1\]\.name: Duplicate value: "c"/);
    assert.equal(
      await k.ok(['get', 'pod', 'target', '-o', 'jsonpath={.spec.ephemeralContainers[*].name}']),
      'dbg',
    );
  });

  test('ignores every other change in the body; an older kubectl and a PUT add one too', async () => {
    const result = await patchEphemeral('target', 'merge', {
      metadata: { labels: { sneaky: 'yes' } },
      spec: {
        activeDeadlineSeconds: 5,
        ephemeralContainers: [
          { name: 'dbg', image: TEST_IMAGE, command: ['sleep', '1'], targetContainerName: 'c' },
          { name: 'extra', image: TEST_IMAGE },
        ],
      },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const pod = await getPod('target');
    assert.equal(pod.metadata?.labels?.sneaky, undefined);
    assert.equal(pod.spec?.activeDeadlineSeconds, undefined);
    assert.deepEqual(
      pod.spec?.ephemeralContainers?.map((c) => c.name),
      ['dbg', 'extra'],
    );
    await k.ok(['debug', 'target', `--image=${TEST_IMAGE}`, '--attach=false', '-c', 'old', '--', 'true'], {
      version: '1.27',
    });
    assert.equal(
      await k.ok(['get', 'pod', 'target', '-o', 'jsonpath={.spec.ephemeralContainers[*].name}']),
      'dbg extra old',
    );
    // PUT takes a whole Pod too; GET answers with the whole Pod.
    const path = '/api/v1/namespaces/default/pods/target/ephemeralcontainers';
    const current = JSON.parse(await k.ok(['get', '--raw', path])) as Pod;
    assert.equal(current.kind, 'Pod');
    current.spec?.ephemeralContainers?.push({ name: 'put', image: TEST_IMAGE });
    const replaced = JSON.parse(
      await k.ok(['replace', '--raw', path, '-f', '-'], { input: JSON.stringify(current) }),
    ) as Pod;
    assert.deepEqual(
      replaced.spec?.ephemeralContainers?.map((c) => [c.name, c.imagePullPolicy]),
      [
        ['dbg', 'IfNotPresent'],
        ['extra', 'IfNotPresent'],
        ['old', 'IfNotPresent'],
        ['put', 'IfNotPresent'],
      ],
    );
    await k.ok(['delete', 'pod', 'target', '--grace-period=1']);
  });

  test('applies Pod Security enforce and warn levels to the new ephemeral container', async () => {
    const ns = `debug-pss-${suffix}`;
    await k.ok(['create', 'namespace', ns]);
    try {
      await k.ok([
        'label',
        'namespace',
        ns,
        'pod-security.kubernetes.io/enforce=baseline',
        'pod-security.kubernetes.io/warn=restricted',
      ]);
      await k.ok(['apply', '-f', '-'], { input: podManifest('guarded', ns) });
      const privileged = await k.kubectl([
        'debug',
        'guarded',
        '-n',
        ns,
        `--image=${TEST_IMAGE}`,
        '--profile=sysadmin',
        '--attach=false',
        '-c',
        'admin',
      ]);
      assert.notEqual(privileged.exitCode, 0);
      assert.match(
        privileged.stderr,
        /pods "guarded" is forbidden: violates PodSecurity "baseline:latest": privileged \(container "admin" must not set securityContext\.privileged=true\)/,
      );
      const plain = await k.kubectl([
        'debug',
        'guarded',
        '-n',
        ns,
        `--image=${TEST_IMAGE}`,
        '--profile=baseline',
        '--attach=false',
        '-c',
        'plain',
      ]);
      assert.equal(plain.exitCode, 0, plain.stderr);
      assert.match(plain.stderr, /Warning: would violate PodSecurity "restricted:latest"/);
      const pod = await getPod('guarded', ns);
      assert.deepEqual(
        pod.spec?.ephemeralContainers?.map((c) => c.name),
        ['plain'],
      );
    } finally {
      await k.kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=60s']);
    }
  });

  test("the node runs the ephemeral container in the target container's PID namespace, with status and logs", async () => {
    await k.ok(['apply', '-f', '-'], { input: podManifest('debugged', 'default') });
    await k.ok(['wait', '--for=condition=Ready', 'pod/debugged', '--timeout=60s']);
    await k.ok([
      'debug',
      'debugged',
      `--image=${TEST_IMAGE}`,
      '--target=c',
      '--attach=false',
      '-c',
      'looker',
      '--',
      'ps',
      '-o',
      'pid,args',
    ]);
    await waitFor('the ephemeral container to finish', async () => {
      const status = (await getPod('debugged')).status?.ephemeralContainerStatuses?.[0];
      return status?.state?.terminated?.exitCode === 0;
    });
    const log = await k.ok(['logs', 'debugged', '-c', 'looker']);
    // The target's PID 1 is visible: the debug container shares its PID namespace.
    assert.match(log, /^\s*1 sleep 3600$/m);
    const status = (await getPod('debugged')).status?.ephemeralContainerStatuses?.[0];
    assert.equal(status?.name, 'looker');
    assert.match(status?.containerID ?? '', /^runc:\/\//);
    assert.match(await k.ok(['describe', 'pod', 'debugged']), /Ephemeral Containers:\s+looker:/);
    await k.ok(['delete', 'pod', 'debugged']);
  });

  test('--copy-to makes a running copy of the pod with the debug container added', async () => {
    await k.ok(['apply', '-f', '-'], { input: podManifest('original', 'default') });
    await k.ok(['wait', '--for=condition=Ready', 'pod/original', '--timeout=60s']);
    await k.ok([
      'debug',
      'original',
      '--copy-to=copy',
      `--image=${TEST_IMAGE}`,
      '-c',
      'dbg',
      '--',
      'sleep',
      '3600',
    ]);
    await k.ok(['wait', '--for=condition=Ready', 'pod/copy', '--timeout=60s']);
    const copy = await getPod('copy');
    assert.deepEqual(
      copy.spec?.containers.map((c) => c.name),
      ['c', 'dbg'],
    );
    await k.ok(['delete', 'pod', 'original', 'copy']);
  });

  test('debug node/NAME runs a pod in the host namespaces with the host root at /host', async () => {
    const out = await k.ok([
      'debug',
      'node/test-node',
      `--image=${TEST_IMAGE}`,
      '--profile=sysadmin',
      '--',
      'sleep',
      '3600',
    ]);
    const name =
      /pod\/(node-debugger-test-node-\w+)/.exec(out)?.[1] ?? /(node-debugger-test-node-\w+)/.exec(out)?.[1];
    assert.ok(name, out);
    await k.ok(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s']);
    const pod = await getPod(name);
    assert.equal(pod.spec?.hostNetwork, true);
    assert.equal(pod.spec?.hostPID, true);
    assert.equal(pod.spec?.containers[0]?.securityContext?.privileged, true);
    const hostname = (await readFile('/etc/hostname', 'utf8')).trim();
    assert.equal((await k.ok(['exec', name, '--', 'cat', '/host/etc/hostname'])).trim(), hostname);
    await k.ok(['delete', 'pod', name]);
  });
});
