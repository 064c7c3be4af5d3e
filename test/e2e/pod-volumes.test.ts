// Pod volumes through kubectl: configMap, secret, downwardAPI and projected files with their modes and live
// updates (but not through a subPath), hostPath type checks, subPath escapes, and a volume waiting for its
// ConfigMap.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const objects = `
apiVersion: v1
kind: ConfigMap
metadata: { name: app-config }
data: { greeting: hello, other: x }
---
apiVersion: v1
kind: Secret
metadata: { name: app-secret }
stringData: { password: s3cret }
`;

const dataPod = `
apiVersion: v1
kind: Pod
metadata: { name: data-vols, labels: { app: demo } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sleep', '3600']
      volumeMounts:
        - { name: cfg, mountPath: /etc/cfg }
        - { name: cfg-all, mountPath: /etc/greeting, subPath: greeting }
        - { name: secret, mountPath: /etc/secret }
        - { name: podinfo, mountPath: /etc/podinfo }
        - { name: all, mountPath: /etc/all }
  volumes:
    - name: cfg
      configMap:
        name: app-config
        defaultMode: 0640
        items: [{ key: greeting, path: conf/greeting.txt, mode: 0600 }]
    - name: cfg-all
      configMap: { name: app-config }
    - name: secret
      secret: { secretName: app-secret, defaultMode: 0400 }
    - name: podinfo
      downwardAPI:
        items: [{ path: labels, fieldRef: { fieldPath: metadata.labels } }]
    - name: all
      projected:
        sources:
          - configMap: { name: app-config, items: [{ key: other, path: other }] }
          - secret: { name: app-secret }
          - downwardAPI: { items: [{ path: name, fieldRef: { fieldPath: metadata.name } }] }
`;

describe('pod volumes through kubectl', () => {
  const k = useCluster();
  let hostDir = '';
  before(async () => {
    hostDir = await mkdtemp(join(tmpdir(), 'podlet-e2e-hostpath-'));
  });
  after(async () => {
    await rm(hostDir, { recursive: true, force: true });
  });

  const sh = (pod: string, script: string) => k.ok(['exec', pod, '--', 'sh', '-c', script]);
  const events = async (pod: string) =>
    k.ok(['get', 'events', '--field-selector', `involvedObject.name=${pod}`]);
  const waiting = async (pod: string) => {
    const p = JSON.parse(await k.ok(['get', 'pod', pod, '-o', 'json'])) as Pod;
    return p.status?.containerStatuses?.[0]?.state?.waiting;
  };

  test('configMap, secret, downwardAPI and projected files carry their modes and follow updates, except through a subPath', async () => {
    await k.ok(['apply', '-f', '-'], { input: objects });
    await k.ok(['apply', '-f', '-'], { input: dataPod });
    await k.ok(['wait', '--for=condition=Ready', 'pod/data-vols', '--timeout=60s']);
    assert.equal(await sh('data-vols', 'cat /etc/cfg/conf/greeting.txt'), 'hello');
    assert.equal(await sh('data-vols', 'stat -L -c %a /etc/cfg/conf/greeting.txt'), '600\n');
    assert.equal(
      await sh('data-vols', 'stat -L -c %a /etc/secret/password; cat /etc/secret/password'),
      '400\ns3cret',
    );
    // The kubelet keeps secret, downwardAPI and projected files on a tmpfs of their own; configMap files on disk.
    const fsType = (dir: string) => sh('data-vols', `awk '$2=="${dir}"{print $3}' /proc/mounts`);
    for (const dir of ['/etc/secret', '/etc/podinfo', '/etc/all'])
      assert.equal(await fsType(dir), 'tmpfs\n', dir);
    assert.notEqual(await fsType('/etc/cfg'), 'tmpfs\n');
    assert.equal(await sh('data-vols', 'cat /etc/greeting'), 'hello');
    assert.equal(await sh('data-vols', 'cat /etc/podinfo/labels'), 'app="demo"');
    assert.equal(
      await sh('data-vols', 'cat /etc/all/other /etc/all/password /etc/all/name'),
      'xs3cretdata-vols',
    );
    assert.equal(
      await sh('data-vols', 'readlink /etc/cfg/conf; readlink /etc/cfg/..data | cut -c1-3'),
      '..data/conf\n..2\n',
    );
    const write = await k.kubectl(['exec', 'data-vols', '--', 'sh', '-c', 'echo x > /etc/cfg/new']);
    assert.match(write.stderr, /Read-only file system/);

    await k.ok(['patch', 'configmap', 'app-config', '-p', '{"data":{"greeting":"bonjour"}}']);
    await k.ok(['label', 'pod', 'data-vols', 'tier=gold']);
    await waitFor(
      'the labels file to update',
      async () => (await sh('data-vols', 'cat /etc/podinfo/labels')) === 'app="demo"\ntier="gold"',
    );
    await waitFor(
      'the ConfigMap edit to reach the pod',
      async () => (await sh('data-vols', 'cat /etc/cfg/conf/greeting.txt')) === 'bonjour',
      90_000,
      1000,
    );
    assert.equal(await sh('data-vols', 'cat /etc/greeting'), 'hello', 'a subPath mount does not see updates');
    await k.ok(['delete', 'pod', 'data-vols', '--grace-period=1']);
  });

  test('a missing ConfigMap holds the pod in ContainerCreating with FailedMount until it is created', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: needs-cm }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'], volumeMounts: [{ name: v, mountPath: /v }] }
  volumes: [{ name: v, configMap: { name: later-cm } }]
`,
    });
    await waitFor('FailedMount', async () =>
      /FailedMount\s+pod\/needs-cm\s+MountVolume.SetUp failed for volume "v" : configmap "later-cm" not found/.test(
        await events('needs-cm'),
      ),
    );
    assert.equal((await waiting('needs-cm'))?.reason, 'ContainerCreating');
    await k.ok(['create', 'configmap', 'later-cm', '--from-literal=k=v']);
    await k.ok(['wait', '--for=condition=Ready', 'pod/needs-cm', '--timeout=60s']);
    assert.equal(await sh('needs-cm', 'cat /v/k'), 'v');
    await k.ok(['delete', 'pod', 'needs-cm', '--grace-period=1']);
  });

  test('hostPath DirectoryOrCreate makes the directory, and a path of the wrong type waits with FailedMount', async () => {
    const made = join(hostDir, 'made');
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: host-dir }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sh', '-c', 'echo hi > /h/out; sleep 3600'], volumeMounts: [{ name: h, mountPath: /h }] }
  volumes: [{ name: h, hostPath: { path: ${made}, type: DirectoryOrCreate } }]
---
apiVersion: v1
kind: Pod
metadata: { name: host-wrong }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'], volumeMounts: [{ name: h, mountPath: /h }] }
  volumes: [{ name: h, hostPath: { path: ${hostDir}, type: File } }]
`,
    });
    await waitFor(
      'the file written through the hostPath',
      async () => (await readFile(join(made, 'out'), 'utf8').catch(() => '')) === 'hi\n',
    );
    assert.equal((await stat(made)).mode & 0o7777, 0o755);
    await waitFor('FailedMount', async () =>
      (await events('host-wrong')).includes(
        `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${hostDir} is not a file`,
      ),
    );
    assert.match(
      await k.ok(['get', 'pod', 'host-wrong', '--no-headers']),
      /host-wrong\s+0\/1\s+ContainerCreating/,
    );
    await k.ok(['delete', 'pod', 'host-dir', 'host-wrong', '--grace-period=1']);
  });

  test('a subPath that resolves through a symlink outside its volume is refused', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: escape }
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
    - { name: plant, image: ${TEST_IMAGE}, command: ['ln', '-s', '/etc', '/v/escape'], volumeMounts: [{ name: v, mountPath: /v }] }
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'], volumeMounts: [{ name: v, mountPath: /host-etc, subPath: escape }] }
  volumes: [{ name: v, emptyDir: {} }]
`,
    });
    await waitFor(
      'CreateContainerConfigError',
      async () => (await waiting('escape'))?.reason === 'CreateContainerConfigError',
    );
    assert.equal(
      (await waiting('escape'))?.message,
      'failed to prepare subPath for volumeMount "v" of container "c"',
    );
    assert.match(
      await events('escape'),
      /Error: failed to prepare subPath for volumeMount "v" of container "c"/,
    );
    await k.ok(['delete', 'pod', 'escape', '--grace-period=1']);
  });
});
