// The API as kubectl sees it: discovery, explain, auth, namespaces, watches, server-side apply conflicts, and
// every kind of rejected request, which must leave the store as it was.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:https';
import { describe, test } from 'node:test';
import { sleeperPod } from '../integration/support/manifests.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { kubectlPath, useCluster } from './support/cluster.js';

const pod = (name: string, container = '') => sleeperPod(name, TEST_IMAGE, { container });

describe('the API through kubectl', () => {
  const k = useCluster();

  test('version, api-resources and explain come from the server', async () => {
    assert.match(await k.ok(['version']), /^Server Version: v1\.33\.0$/m);
    const resources = await k.ok(['api-resources']);
    assert.match(resources, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(resources, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    const explain = await k.ok(['explain', 'pod.spec.containers']);
    assert.match(explain, /^KIND:\s+Pod$/m);
    assert.match(explain, /^FIELD:\s+containers <\[\]Container>$/m);
    assert.match(explain, /List of containers belonging to the pod/);
  });

  test('the node reports itself: capacity, conditions, a renewed lease; describe node shows it', async () => {
    const node = JSON.parse(await k.ok(['get', 'node', 'test-node', '-o', 'json']));
    assert.equal(node.status.capacity.pods, '110');
    assert.equal(node.status.nodeInfo.kubeletVersion, 'v1.33.0');
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^runc:\/\//);
    // Allocatable keeps back the default hard eviction threshold (memory.available<100Mi).
    const ki = (q: string) => Number(q.replace(/Ki$/, ''));
    assert.equal(ki(node.status.capacity.memory) - ki(node.status.allocatable.memory), 100 * 1024);
    await waitFor('the image list', async () => {
      const n = JSON.parse(await k.ok(['get', 'node', 'test-node', '-o', 'json']));
      return n.status.images?.some((i: { names: string[] }) => i.names.includes(TEST_IMAGE));
    });
    const lease = JSON.parse(
      await k.ok(['get', 'lease', 'test-node', '-n', 'kube-node-lease', '-o', 'json']),
    );
    assert.equal(lease.spec.holderIdentity, 'test-node');
    assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const described = await k.ok(['describe', 'node', 'test-node']);
    assert.match(described, /^Lease:\s*$/m);
    assert.match(described, /HolderIdentity:\s+test-node/);
    assert.match(described, /Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status/);
  });

  test('auth can-i and whoami answer for the admin certificate', async () => {
    assert.equal((await k.ok(['auth', 'can-i', 'create', 'pods'])).trim(), 'yes');
    assert.match(await k.ok(['auth', 'whoami']), /kubernetes-admin/);
    assert.equal((await k.ok(['auth', 'can-i', 'create', 'pods'], { version: '1.27' })).trim(), 'yes');
  });

  test('a namespace is created with its default service account and deleted with its content', async () => {
    assert.equal((await k.ok(['create', 'namespace', 'team'])).trim(), 'namespace/team created');
    await waitFor(
      'the default service account',
      async () => (await k.kubectl(['get', 'sa', 'default', '-n', 'team'])).exitCode === 0,
    );
    await k.ok(['create', 'configmap', 'cfg', '-n', 'team', '--from-literal=a=b']);
    await k.ok(['create', 'secret', 'generic', 'token', '-n', 'team', '--from-literal=t=s3cret']);
    assert.equal(
      Buffer.from(
        await k.ok(['get', 'secret', 'token', '-n', 'team', '-o', 'jsonpath={.data.t}']),
        'base64',
      ).toString(),
      's3cret',
    );
    assert.equal(await k.ok(['get', 'cm', 'cfg', '-n', 'team', '-o', 'jsonpath={.data.a}']), 'b');
    await k.ok(['apply', '-n', 'team', '-f', '-'], { input: pod('inside') });
    await k.ok(['wait', '-n', 'team', '--for=condition=Ready', 'pod/inside', '--timeout=60s']);
    assert.equal(
      (await k.ok(['delete', 'namespace', 'team', '--timeout=60s'])).trim(),
      'namespace "team" deleted',
    );
    assert.match((await k.kubectl(['get', 'ns', 'team'])).stderr, /namespaces "team" not found/);
    assert.match((await k.kubectl(['get', 'cm', 'cfg', '-n', 'team'])).stderr, /not found/);
  });

  test('get -w prints the changes to a pod as they happen', async () => {
    // An init container holds the pod in Init:0/1 for a few seconds: a pod that started faster than kubectl does
    // would be listed Running at once and never show a MODIFIED line.
    const init = `  initContainers:\n    - { name: hold, image: ${TEST_IMAGE}, command: ['sleep', '3'] }`;
    await k.ok(['apply', '-f', '-'], { input: sleeperPod('watched', TEST_IMAGE, { spec: init }) });
    const watcher = spawn(kubectlPath(), ['get', 'pods', 'watched', '-w', '--output-watch-events'], {
      env: { ...process.env, KUBECONFIG: k.kubeconfig, HOME: k.instance.dataDir },
    });
    let out = '';
    watcher.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await waitFor('the ADDED line, not yet running', async () => /ADDED\s+watched\s+0\/1\s/.test(out));
      await waitFor('the MODIFIED line once running', async () =>
        /MODIFIED\s+watched\s+1\/1\s+Running/.test(out),
      );
      await k.ok(['delete', 'pod', 'watched']);
      await waitFor('the DELETED line', async () => /DELETED\s+watched/.test(out));
    } finally {
      watcher.kill();
    }
  });

  test('events are served as core/v1 and as events.k8s.io/v1 from one storage', async () => {
    const core = JSON.parse(await k.ok(['get', 'events', '-o', 'json']));
    const v1 = JSON.parse(await k.ok(['get', 'events.v1.events.k8s.io', '-o', 'json']));
    assert.ok(core.items.length > 0);
    assert.equal(v1.items.length, core.items.length);
    // Earlier tests' pods started other containers (an init container named hold among them): take container c's.
    const started = v1.items.find(
      (e: { reason: string; note: string }) => e.reason === 'Started' && e.note === 'Started container c',
    );
    assert.ok(started, 'a Started event for container c');
    assert.equal(started.apiVersion, 'events.k8s.io/v1');
    assert.equal(started.regarding.kind, 'Pod');
    assert.equal(started.reportingController, 'kubelet');
  });

  test('kubectl prints the warnings for pod traps and still creates the pod', async () => {
    const trap = `
apiVersion: v1
kind: Pod
metadata: { name: traps }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: scratch, emptyDir: {} }]
  containers:
    - { name: a, image: ${TEST_IMAGE}, command: ['sleep', '3600'], ports: [{ containerPort: 80 }], resources: { limits: { memory: 32Mi } } }
    - { name: b, image: ${TEST_IMAGE}, command: ['sleep', '3600'], ports: [{ containerPort: 80 }] }
`;
    const result = await k.kubectl(['apply', '-f', '-'], { input: trap });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /^Warning: spec\.volumes\[0\]\.emptyDir: volume "scratch" has no sizeLimit/m);
    assert.match(
      result.stderr,
      /^Warning: spec\.containers\[1\]: container "b" has no memory limit while "a" has one/m,
    );
    assert.match(
      result.stderr,
      /^Warning: spec\.containers\[1\]\.ports\[0\]: containerPort 80\/TCP is also declared by container "a"/m,
    );
    await k.ok(['delete', 'pod', 'traps', '--grace-period=1']);
  });

  test('drain cordons the node and evicts its pods through the eviction subresource', async () => {
    await k.ok(['apply', '-f', '-'], { input: pod('evictee') });
    await k.ok(['wait', '--for=condition=Ready', 'pod/evictee', '--timeout=60s']);
    const out = await k.ok([
      'drain',
      'test-node',
      '--force',
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--timeout=60s',
    ]);
    assert.match(out, /node\/test-node cordoned/);
    assert.match(out, /pod\/evictee evicted/);
    assert.match(out, /node\/test-node drained/);
    assert.equal(await k.ok(['get', 'node', 'test-node', '-o', 'jsonpath={.spec.unschedulable}']), 'true');
    assert.match((await k.kubectl(['get', 'pod', 'evictee'])).stderr, /not found/);
    assert.match(await k.ok(['uncordon', 'test-node']), /node\/test-node uncordoned/);
  });

  test("Pod Security: restricted is enforced with kube-apiserver's message, warn levels warn, bad labels are refused", async () => {
    await k.ok(['create', 'namespace', 'secure']);
    await k.ok(['label', 'namespace', 'secure', 'pod-security.kubernetes.io/enforce=restricted']);
    const denied = await k.kubectl(['apply', '-n', 'secure', '-f', '-'], { input: pod('plain') });
    assert.notEqual(denied.exitCode, 0);
    assert.match(
      denied.stderr,
      /pods "plain" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "c" must set securityContext\.allowPrivilegeEscalation=false\), unrestricted capabilities/,
    );
    await k.ok([
      'label',
      'namespace',
      'secure',
      '--overwrite',
      'pod-security.kubernetes.io/enforce=privileged',
      'pod-security.kubernetes.io/warn=baseline',
    ]);
    const warned = await k.kubectl(['apply', '-n', 'secure', '-f', '-'], {
      input: pod('hostnet').replace('spec:\n', 'spec:\n  hostNetwork: true\n'),
    });
    assert.equal(warned.exitCode, 0, warned.stderr);
    assert.match(
      warned.stderr,
      /Warning: would violate PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)/,
    );
    const bad = await k.kubectl([
      'label',
      'namespace',
      'secure',
      '--overwrite',
      'pod-security.kubernetes.io/enforce=strictest',
    ]);
    assert.notEqual(bad.exitCode, 0);
    assert.match(bad.stderr, /pod-security\.kubernetes\.io\/enforce/);
    await k.ok(['delete', 'namespace', 'secure', '--timeout=60s']);
  });

  test('server-side apply reports a conflict with another manager unless forced', async () => {
    await k.ok(['apply', '-f', '-'], { input: pod('owned') });
    const changed = pod('owned').replace('sleep', 'sleep').replace("'3600'", "'3601'");
    const conflict = await k.kubectl(['apply', '--server-side', '-f', '-'], { input: changed });
    assert.notEqual(conflict.exitCode, 0);
    assert.match(conflict.stderr, /conflict with "kubectl-client-side-apply"/);
    assert.match(conflict.stderr, /\.spec\.containers\[name="c"\]\.command/);
    const forced = await k.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], {
      input: changed,
    });
    // The command field of a pod is immutable: forcing gets past ownership and meets validation.
    assert.match(forced.stderr, /pod updates may not change fields other than/);
    await k.ok(['delete', 'pod', 'owned', '--grace-period=0', '--force']);
    await k.ok(['wait', '--for=delete', 'pod/owned', '--timeout=30s']);
  });

  test('rejected requests get kube-apiserver answers and change nothing', async () => {
    const before = await k.ok(['get', 'pods,cm', '-o', 'name']);
    const cases: [string, string[], string | undefined, RegExp][] = [
      ['bad YAML', ['apply', '-f', '-'], 'kind: Pod\nmetadata: [unclosed', /error/i],
      [
        'invalid name',
        ['apply', '-f', '-'],
        pod('Bad_Name'),
        /The Pod "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/,
      ],
      [
        'duplicate container name',
        ['apply', '-f', '-'],
        pod('dup') + `    - { name: c, image: ${TEST_IMAGE} }\n`,
        /The Pod "dup" is invalid: spec\.containers\[1\]\.name: Duplicate value: "c"/,
      ],
      [
        'bad quantity',
        ['apply', '-f', '-'],
        pod('qty', ', resources: { limits: { memory: 12XB } }'),
        /quantities must match the regular expression|unable to parse quantity/,
      ],
      [
        'unknown field under Strict',
        ['apply', '-f', '-'],
        pod('typo', ', imagee: x'),
        /unknown field "spec\.containers\[0\]\.imagee"/,
      ],
    ];
    for (const [what, args, input, message] of cases) {
      const result = await k.kubectl(args, input === undefined ? {} : { input });
      assert.notEqual(result.exitCode, 0, what);
      assert.match(result.stderr, message, what);
    }
    assert.equal(await k.ok(['get', 'pods,cm', '-o', 'name']), before);
  });

  test('fieldValidation applies to every kind: Strict rejects, Warn warns, Ignore accepts', async () => {
    const cm = (name: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndatta: { x: '1' }\n`;
    const strict = await k.kubectl(['apply', '-f', '-'], { input: cm('strict') });
    assert.match(strict.stderr, /strict decoding error: unknown field "datta"/);
    const warn = await k.kubectl(['apply', '--validate=warn', '-f', '-'], { input: cm('warned') });
    assert.equal(warn.exitCode, 0, warn.stderr);
    assert.match(warn.stderr, /Warning: unknown field "datta"/);
    assert.equal(
      (await k.ok(['apply', '--validate=false', '-f', '-'], { input: cm('ignored') })).trim(),
      'configmap/ignored created',
    );
    assert.match((await k.kubectl(['get', 'cm', 'strict'])).stderr, /not found/);
  });

  test('lists come in pages with limit and continue, and kubectl stitches them', async () => {
    for (const i of [1, 2, 3, 4, 5]) await k.ok(['create', 'configmap', `page-${i}`, '--from-literal=i=1']);
    const names = await k.ok(['get', 'cm', '--chunk-size=2', '-o', 'name']);
    for (const i of [1, 2, 3, 4, 5]) assert.match(names, new RegExp(`^configmap/page-${i}$`, 'm'));
    const raw = JSON.parse(await k.ok(['get', '--raw', '/api/v1/namespaces/default/configmaps?limit=2']));
    assert.equal(raw.items.length, 2);
    assert.ok(raw.metadata.continue);
    assert.ok(raw.metadata.remainingItemCount > 0);
  });

  test('a stale resourceVersion is a 409 Conflict, a 4 MiB body a 413, no client certificate a 401', async () => {
    await k.ok(['create', 'configmap', 'versioned', '--from-literal=a=1']);
    const stale = JSON.parse(await k.ok(['get', 'cm', 'versioned', '-o', 'json']));
    await k.ok(['patch', 'cm', 'versioned', '--type=merge', '-p', '{"data":{"a":"2"}}']);
    stale.data.a = '3';
    const replace = await k.kubectl(['replace', '-f', '-'], { input: JSON.stringify(stale) });
    assert.match(
      replace.stderr,
      /Operation cannot be fulfilled on configmaps "versioned": the object has been modified/,
    );
    assert.equal(await k.ok(['get', 'cm', 'versioned', '-o', 'jsonpath={.data.a}']), '2');
    const big = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big' },
      data: { a: 'x'.repeat(4 * 1024 * 1024) },
    };
    const tooBig = await k.kubectl(['create', '-f', '-'], { input: JSON.stringify(big) });
    assert.match(tooBig.stderr, /Request entity too large: limit is 3145728/);
    assert.match((await k.kubectl(['get', 'cm', 'big'])).stderr, /not found/);
    const address = (await readFile(join(k.instance.dataDir, 'api', 'address'), 'utf8')).trim();
    const anonymous = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request(
        `${address}/api/v1/namespaces/default/pods`,
        { rejectUnauthorized: false },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(anonymous.code, 401);
    assert.equal(JSON.parse(anonymous.body).reason, 'Unauthorized');
  });
});
