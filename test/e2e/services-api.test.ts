// Services in the API through kubectl: cluster IPs from --service-cidr, headless and NodePort Services,
// `kubectl expose`, EndpointSlices and Endpoints that follow pod readiness both ways, a named targetPort, the
// service environment variables of pods made after a Service, and the API server's answers to bad input.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Endpoints, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ServiceIPRange } from '../../src/api/service-ip-range.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { kubectlPath, useCluster } from './support/cluster.js';

// Apart from every instance's pod CIDR (10.200-249.x.0/24) and from other suites' Service ranges.
const SERVICE_CIDR = `10.250.${randomInt(256)}.0/24`;
const range = ServiceIPRange.parse(SERVICE_CIDR);

const backend = (name: string, extraPorts = '') => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: { app: web } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'touch /tmp/ready; exec sleep 3600']
      ports: [{ name: admin, containerPort: 9000 }${extraPorts}]
      readinessProbe:
        exec: { command: ['test', '-f', '/tmp/ready'] }
        periodSeconds: 1
        failureThreshold: 1
`;

const webService = `
apiVersion: v1
kind: Service
metadata: { name: web, labels: { tier: front } }
spec:
  selector: { app: web }
  ports:
    - { name: http, port: 80, targetPort: http }
    - { name: admin, port: 9000, targetPort: admin }
`;

describe('Services, EndpointSlices and Endpoints through kubectl', () => {
  const k = useCluster({ serveArgs: () => Promise.resolve(['--service-cidr', SERVICE_CIDR]) });
  const json = async <T>(args: string[]): Promise<T> => JSON.parse(await k.ok([...args, '-o', 'json'])) as T;
  const apply = (name: string, spec: string) =>
    k.kubectl(['apply', '-f', '-'], {
      input: `apiVersion: v1\nkind: Service\nmetadata: { name: ${name} }\nspec: ${spec}\n`,
    });
  const applyOk = async (name: string, spec: string) => {
    const result = await apply(name, spec);
    assert.equal(result.exitCode, 0, result.stderr);
  };
  const slicesOf = async (service: string) =>
    (
      await json<{ items: EndpointSlice[] }>([
        'get',
        'endpointslices',
        '-l',
        `kubernetes.io/service-name=${service}`,
      ])
    ).items;

  test('kubectl create service (a protobuf body) makes the Service it names', async () => {
    await k.ok(['create', 'service', 'nodeport', 'typed', '--tcp=80:8080']);
    const svc = await json<Service>(['get', 'svc', 'typed']);
    assert.equal(svc.spec?.type, 'NodePort');
    assert.deepEqual(svc.spec?.selector, { app: 'typed' });
    assert.equal(svc.spec?.ports?.[0]?.targetPort, 8080);
    assert.ok((svc.spec?.ports?.[0]?.nodePort ?? 0) >= 30000);
    await k.ok(['delete', 'svc', 'typed']);
  });

  test('gives ClusterIP Services an address of --service-cidr, and the kubernetes Service the first one', async () => {
    await applyOk('plain', '{ selector: { app: plain }, ports: [{ port: 80, targetPort: 8080 }] }');
    const svc = await json<Service>(['get', 'svc', 'plain']);
    assert.notEqual(
      range.offsetOf(svc.spec?.clusterIP ?? ''),
      undefined,
      `${svc.spec?.clusterIP} in ${SERVICE_CIDR}`,
    );
    assert.deepEqual(svc.spec?.ipFamilies, ['IPv4']);
    const kubernetes = await json<Service>(['get', 'svc', 'kubernetes', '-n', 'default']);
    assert.equal(kubernetes.spec?.clusterIP, range.first());
    const table = await k.ok(['get', 'svc', 'plain']);
    assert.match(table, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
    assert.match(table, new RegExp(`plain\\s+ClusterIP\\s+${svc.spec?.clusterIP}\\s+<none>\\s+80/TCP`));
  });

  test('keeps a headless Service headless and gives a NodePort Service a port in 30000-32767', async () => {
    await applyOk('db', '{ clusterIP: None, selector: { app: db }, ports: [{ port: 5432 }] }');
    assert.equal((await json<Service>(['get', 'svc', 'db'])).spec?.clusterIP, 'None');
    await applyOk('np', '{ type: NodePort, selector: { app: np }, ports: [{ port: 80 }] }');
    const nodePort = (await json<Service>(['get', 'svc', 'np'])).spec?.ports?.[0]?.nodePort ?? 0;
    assert.ok(nodePort >= 30000 && nodePort <= 32767, `nodePort ${nodePort}`);
  });

  test('answers bad input as kube-apiserver does', async () => {
    const outside = await apply('bad', '{ clusterIP: 10.1.2.3, ports: [{ port: 80 }] }');
    assert.notEqual(outside.exitCode, 0);
    assert.match(
      outside.stderr,
      new RegExp(
        `spec.clusterIPs: Invalid value: \\["10.1.2.3"\\]: failed to allocate IP 10.1.2.3: the provided IP \\(10.1.2.3\\) ` +
          `is not in the valid range. The range of valid IPs is ${SERVICE_CIDR.replaceAll('.', '\\.')}`,
      ),
    );
    const other = range.at(200);
    const patch = await k.kubectl([
      'patch',
      'svc',
      'plain',
      '-p',
      JSON.stringify({ spec: { clusterIP: other } }),
    ]);
    assert.match(
      patch.stderr,
      new RegExp(`spec.clusterIPs\\[0\\]: Invalid value: \\["${other}"\\]: field is immutable`),
    );
    const unnamed = await apply('two', '{ ports: [{ port: 80 }, { port: 81 }] }');
    assert.match(unnamed.stderr, /spec.ports\[0\].name: Required value/);
  });

  test('EndpointSlices and Endpoints follow readiness both ways, with named target ports resolved per pod', async () => {
    await k.ok(['apply', '-f', '-'], { input: webService });
    await k.ok(['apply', '-f', '-'], { input: backend('web-1', ', { name: http, containerPort: 8080 }') });
    // A pod that declares no `http` port serves only `admin`.
    await k.ok(['apply', '-f', '-'], { input: backend('web-2') });
    const readyIn = async (pod: string, port: string) => {
      const slice = (await slicesOf('web')).find((s) => s.endpoints?.some((e) => e.targetRef?.name === pod));
      if (!slice?.ports?.some((p) => p.name === port)) return undefined;
      return slice.endpoints.find((e) => e.targetRef?.name === pod)?.conditions?.ready;
    };
    await waitFor('both pods ready in their slices', async () =>
      (await readyIn('web-1', 'http')) === true && (await readyIn('web-2', 'admin')) === true
        ? true
        : undefined,
    );
    const slices = await slicesOf('web');
    const web1 = slices.find((s) => s.endpoints?.some((e) => e.targetRef?.name === 'web-1'));
    assert.deepEqual(
      web1?.ports?.map((p) => [p.name, p.port]),
      [
        ['http', 8080],
        ['admin', 9000],
      ],
    );
    const web2 = slices.find((s) => s.endpoints?.some((e) => e.targetRef?.name === 'web-2'));
    assert.deepEqual(
      web2?.ports?.map((p) => p.name),
      ['admin'],
    );
    assert.equal(
      web1?.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'],
      'endpointslice-controller.k8s.io',
    );
    assert.equal(web1?.metadata?.ownerReferences?.[0]?.kind, 'Service');

    await k.ok(['exec', 'web-1', '--', 'rm', '/tmp/ready']);
    await waitFor('web-1 out of the rotation', async () =>
      (await readyIn('web-1', 'http')) === false ? true : undefined,
    );
    const ep = await json<Endpoints>(['get', 'endpoints', 'web']);
    const notReady = (ep.subsets ?? []).flatMap((s) =>
      (s.notReadyAddresses ?? []).map((a) => a.targetRef?.name),
    );
    assert.ok(notReady.includes('web-1'), JSON.stringify(ep.subsets));
    await k.ok(['exec', 'web-1', '--', 'touch', '/tmp/ready']);
    await waitFor('web-1 back in the rotation', async () =>
      (await readyIn('web-1', 'http')) === true ? true : undefined,
    );

    const table = await k.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
    assert.match(table, /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE/);
    assert.match(table, /web-[a-z0-9]{5}\s+IPv4\s+8080,9000\s+10\.\d+\.\d+\.\d+/);
  });

  test('a Service whose selector matches nothing has an empty slice and no endpoints', async () => {
    await applyOk('lonely', '{ selector: { app: nobody }, ports: [{ port: 80 }] }');
    await waitFor('the placeholder slice', async () =>
      (await slicesOf('lonely')).length === 1 ? true : undefined,
    );
    const [slice] = await slicesOf('lonely');
    assert.deepEqual(slice?.endpoints ?? [], []);
    assert.match(await k.ok(['get', 'endpoints', 'lonely']), /lonely\s+<none>/);
  });

  test('kubectl expose pod makes a Service selecting the pod by its labels', async () => {
    const exposed = await k.kubectl([
      'expose',
      'pod',
      'web-1',
      '--name=exposed',
      '--port=80',
      '--target-port=http',
    ]);
    assert.equal(exposed.exitCode, 0, exposed.stderr);
    const svc = await json<Service>(['get', 'svc', 'exposed']);
    assert.deepEqual(svc.spec?.selector, { app: 'web' });
    assert.equal(svc.spec?.ports?.[0]?.targetPort, 'http');
  });

  test('kubectl port-forward svc/NAME reaches a selected pod through the named target port', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Pod
metadata: { name: fwd, labels: { app: fwd } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'mkdir -p /www && echo served-by-fwd > /www/index.html && exec httpd -f -p 8080 -h /www']
      ports: [{ name: http, containerPort: 8080 }]
`,
    });
    await applyOk('fwd', '{ selector: { app: fwd }, ports: [{ port: 80, targetPort: http }] }');
    await waitFor('fwd running', async () =>
      (await k.ok(['get', 'pod', 'fwd', '-o', 'jsonpath={.status.phase}'])) === 'Running' ? true : undefined,
    );
    const child = spawn(kubectlPath(), ['port-forward', 'svc/fwd', ':80'], {
      env: { ...process.env, KUBECONFIG: k.kubeconfig, HOME: k.instance.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const local = await waitFor('kubectl to forward', async () => {
        if (child.exitCode !== null) throw new Error(`kubectl port-forward exited: ${stderr}`);
        return /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(stdout)?.[1];
      });
      const res = await fetch(`http://127.0.0.1:${local}/`, { headers: { connection: 'close' } });
      assert.equal((await res.text()).trim(), 'served-by-fwd');
    } finally {
      child.kill();
    }
  });

  test('pods made after a Service get its environment variables, unless enableServiceLinks is false', async () => {
    const envPod = (name: string, links: boolean) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  restartPolicy: Never
  enableServiceLinks: ${links}
  containers: [{ name: c, image: ${TEST_IMAGE}, command: ['sh', '-c', 'env | sort'] }]
`;
    await k.ok(['apply', '-f', '-'], { input: envPod('env-links', true) });
    await k.ok(['apply', '-f', '-'], { input: envPod('env-nolinks', false) });
    const logs = async (pod: string) =>
      waitFor(`${pod} to finish`, async () => {
        const phase = await k.ok(['get', 'pod', pod, '-o', 'jsonpath={.status.phase}']);
        return phase === 'Succeeded' ? k.ok(['logs', pod]) : undefined;
      });
    const web = await json<Service>(['get', 'svc', 'web']);
    const ip = web.spec?.clusterIP ?? '';
    const withLinks = await logs('env-links');
    for (const line of [
      `WEB_SERVICE_HOST=${ip}`,
      'WEB_SERVICE_PORT=80',
      'WEB_SERVICE_PORT_HTTP=80',
      'WEB_SERVICE_PORT_ADMIN=9000',
      `WEB_PORT=tcp://${ip}:80`,
      `WEB_PORT_9000_TCP=tcp://${ip}:9000`,
      'WEB_PORT_9000_TCP_PROTO=tcp',
      `WEB_PORT_9000_TCP_ADDR=${ip}`,
      `KUBERNETES_SERVICE_HOST=${range.first()}`,
      'KUBERNETES_SERVICE_PORT=443',
    ]) {
      assert.ok(withLinks.split('\n').includes(line), `${line} in:\n${withLinks}`);
    }
    const withoutLinks = await logs('env-nolinks');
    assert.ok(!withoutLinks.includes('WEB_SERVICE_HOST'), withoutLinks);
    assert.ok(withoutLinks.includes(`KUBERNETES_SERVICE_HOST=${range.first()}`), withoutLinks);
  });
});
