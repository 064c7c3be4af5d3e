// A pod's life through the real kubectl: apply, get in every form, wait, describe, change, delete.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TEST_IMAGE, waitFor, writeManifest } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const web = (image = TEST_IMAGE, labels = 'app: web') => `
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { ${labels} }
spec:
  terminationGracePeriodSeconds: 2
  containers:
    - name: httpd
      image: ${image}
      command: ['httpd', '-f', '-p', '8080']
      ports: [{ containerPort: 8080 }]
`;

describe('a pod through kubectl', () => {
  const k = useCluster();

  test('apply creates the pod, a second apply changes nothing', async () => {
    assert.equal((await k.ok(['apply', '-f', '-'], { input: web() })).trim(), 'pod/web created');
    assert.equal((await k.ok(['apply', '-f', '-'], { input: web() })).trim(), 'pod/web unchanged');
  });

  test('wait --for=condition=Ready returns once the container runs', async () => {
    const out = await k.ok(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
    assert.equal(out.trim(), 'pod/web condition met');
  });

  test('get prints the server-side table, wide adds IP and NODE', async () => {
    const table = await k.ok(['get', 'pods']);
    assert.match(table, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    assert.match(table, /^web\s+1\/1\s+Running\s+0\s+\d+s\n/m);
    const wide = await k.ok(['get', 'pod', 'web', '-o', 'wide']);
    assert.match(
      wide,
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n/,
    );
    assert.match(wide, /^web\s+1\/1\s+Running\s+0\s+\S+\s+10\.\d+\.\d+\.\d+\s+test-node\s+<none>\s+<none>$/m);
  });

  test('get -o yaml, json, jsonpath and custom-columns show the stored pod with its defaults and status', async () => {
    const json = JSON.parse(await k.ok(['get', 'pod', 'web', '-o', 'json']));
    assert.equal(json.kind, 'Pod');
    assert.equal(json.spec.nodeName, 'test-node');
    assert.equal(json.spec.restartPolicy, 'Always');
    assert.equal(json.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(json.spec.containers[0].terminationMessagePath, '/dev/termination-log');
    assert.equal(json.status.phase, 'Running');
    assert.equal(json.status.qosClass, 'BestEffort');
    assert.match(await k.ok(['get', 'pod', 'web', '-o', 'yaml']), /^  phase: Running$/m);
    assert.equal(
      await k.ok(['get', 'pod', 'web', '-o', 'jsonpath={.status.containerStatuses[0].ready}']),
      'true',
    );
    const columns = await k.ok(['get', 'pods', '-o', 'custom-columns=N:.metadata.name,P:.status.phase']);
    assert.match(columns, /^N\s+P\nweb\s+Running\n$/);
  });

  test('-A, -l and --field-selector filter on the server', async () => {
    assert.match(await k.ok(['get', 'pods', '-A']), /^default\s+web\s+1\/1\s+Running/m);
    assert.match(await k.ok(['get', 'pods', '-l', 'app=web']), /^web\s/m);
    const none = await k.kubectl(['get', 'pods', '-l', 'app=nope']);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /No resources found in default namespace\./);
    assert.match(await k.ok(['get', 'pods', '--field-selector', 'status.phase=Running']), /^web\s/m);
    const bad = await k.kubectl(['get', 'pods', '--field-selector', 'spec.nope=1']);
    assert.notEqual(bad.exitCode, 0);
    assert.match(bad.stderr, /field label not supported: spec\.nope/);
  });

  test('describe shows the pod and the kubelet events', async () => {
    const out = await k.ok(['describe', 'pod', 'web']);
    assert.match(out, /^Name:\s+web$/m);
    assert.match(out, /^Node:\s+test-node\/\S+$/m);
    assert.match(out, /^Status:\s+Running$/m);
    assert.match(out, /Normal\s+Pulled\s+\S+\s+kubelet\s+Container image ".*" already present on machine/);
    assert.match(out, /Normal\s+Started\s+\S+\s+kubelet\s+Started container httpd/);
  });

  test('label, annotate and the three patch types change the pod', async () => {
    assert.equal((await k.ok(['label', 'pod', 'web', 'tier=front'])).trim(), 'pod/web labeled');
    assert.equal((await k.ok(['annotate', 'pod', 'web', 'note=hello'])).trim(), 'pod/web annotated');
    await k.ok(['patch', 'pod', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"merged":"yes"}}}']);
    await k.ok([
      'patch',
      'pod',
      'web',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/json","value":"yes"}]',
    ]);
    await k.ok(['patch', 'pod', 'web', '-p', '{"metadata":{"labels":{"strategic":"yes"}}}']);
    const labels = JSON.parse(await k.ok(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.labels}']));
    assert.deepEqual(labels, { app: 'web', tier: 'front', merged: 'yes', json: 'yes', strategic: 'yes' });
    assert.equal(await k.ok(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.annotations.note}']), 'hello');
  });

  test('edit with a non-interactive editor applies the change', async () => {
    const out = await k.kubectl(['edit', 'pod', 'web'], {
      env: { KUBE_EDITOR: "sed -i 's/tier: front/tier: edited/'" },
    });
    assert.equal(out.exitCode, 0, out.stderr);
    assert.equal(await k.ok(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.labels.tier}']), 'edited');
  });

  test('delete waits until the node has stopped the pod, then it is gone', async () => {
    assert.equal((await k.ok(['delete', 'pod', 'web'])).trim(), 'pod "web" deleted');
    const gone = await k.kubectl(['get', 'pod', 'web']);
    assert.match(gone.stderr, /pods "web" not found/);
  });

  test('a static pod shows as a mirror pod; deleting the mirror does not stop the pod', async () => {
    await writeManifest(k.instance, 'static.yaml', web().replace('name: web', 'name: static'));
    await waitFor(
      'the mirror pod',
      async () => (await k.kubectl(['get', 'pod', 'static-test-node'])).exitCode === 0,
    );
    await k.ok(['wait', '--for=condition=Ready', 'pod/static-test-node', '--timeout=60s']);
    const mirror = JSON.parse(await k.ok(['get', 'pod', 'static-test-node', '-o', 'json']));
    assert.ok(mirror.metadata.annotations['kubernetes.io/config.mirror']);
    assert.equal(mirror.metadata.annotations['kubernetes.io/config.source'], 'file');
    assert.equal(mirror.metadata.ownerReferences[0].kind, 'Node');
    const ip = mirror.status.podIP;
    await k.ok(['delete', 'pod', 'static-test-node', '--wait=false']);
    // The mirror's deletion wakes the static pod's worker, which makes it again (kubelet mirror_client.go).
    await waitFor(
      'the mirror pod back',
      async () => {
        const again = await k.kubectl(['get', 'pod', 'static-test-node', '-o', 'json']);
        if (again.exitCode !== 0) return false;
        const o = JSON.parse(again.stdout);
        return o.metadata.uid !== mirror.metadata.uid && o.status.phase === 'Running';
      },
      20_000,
    );
    assert.equal(
      await k.ok(['get', 'pod', 'static-test-node', '-o', 'jsonpath={.status.podIP}']),
      ip,
      'same sandbox',
    );
  });
});
