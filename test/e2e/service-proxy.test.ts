// The Service data plane through kubectl: two busybox httpd backends behind a NodePort Service, a client pod
// fetching the ClusterIP, readiness taking a backend out, hairpin, the NodePort on 127.0.0.1 from the host, and
// no nftables table left once the daemon has stopped.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DEFAULT_SERVICE_CIDR } from '../../src/api/service-ip-range.js';
import { runUnchecked } from '../../src/util/exec.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { httpText } from '../integration/proxy/http-text.js';
import { useCluster } from './support/cluster.js';

const backend = (name: string): string => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: { app: web } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: httpd
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'mkdir -p /www && echo ${name} > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www']
      readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 }
`;

const manifests = `${backend('web-a')}---${backend('web-b')}---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: ['sleep', '3600']
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

interface SliceList {
  items: { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] }[];
}

describe('the Service data plane', () => {
  const k = useCluster();
  let clusterIP = '';
  let nodePort = 0;

  // Registered after useCluster's own after(), so it runs once the daemon has stopped.
  after(async () => {
    const { stdout } = await runUnchecked('nft', ['list', 'tables']);
    assert.doesNotMatch(stdout, new RegExp(`podlet-${k.instance.bridge}\\b`));
  });

  /** `count` fetches of the ClusterIP from inside `pod`, one body per line. */
  async function fetchFrom(pod: string, count: number): Promise<string[]> {
    // No `wget -T`: Debian's static busybox 1.35 crashes with it.
    const script = `for i in $(seq ${count}); do wget -qO- http://${clusterIP}/ || echo failed; done`;
    const out = await k.ok(['exec', pod, '--', 'sh', '-c', script]);
    return out.trim().split('\n');
  }

  async function readyAddresses(): Promise<string[]> {
    const out = await k.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json']);
    const slices = JSON.parse(out) as SliceList;
    return slices.items
      .flatMap((s) => s.endpoints ?? [])
      .filter((e) => e.conditions?.ready !== false)
      .flatMap((e) => e.addresses);
  }

  test('spreads requests to a ClusterIP across both ready backends', async () => {
    await k.ok(['apply', '-f', '-'], { input: manifests });
    await k.ok(['wait', '--for=condition=Ready', 'pod/web-a', 'pod/web-b', 'pod/client', '--timeout=120s']);
    clusterIP = (await k.ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    nodePort = Number(await k.ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}']));
    await waitFor('both endpoints ready', async () => (await readyAddresses()).length === 2);
    const answers = await waitFor('answers from both backends', async () => {
      const seen = new Set(await fetchFrom('client', 20));
      return seen.has('web-a') && seen.has('web-b') ? seen : undefined;
    });
    assert.deepEqual([...answers].sort(), ['web-a', 'web-b']);
    // The pod network routes the service range to the gateway: no pod needs to add it.
    const gateway = k.instance.podCidr.replace(/0\/\d+$/, '1');
    assert.match(
      await k.ok(['exec', 'client', '--', 'ip', 'route']),
      new RegExp(
        `^${DEFAULT_SERVICE_CIDR.replace(/[./]/g, '\\$&')} via ${gateway.replace(/\./g, '\\.')} `,
        'm',
      ),
    );
    // The table the after() hook expects gone once the daemon has stopped.
    const table = await runUnchecked('nft', ['list', 'table', 'ip', `podlet-${k.instance.bridge}`]);
    assert.equal(table.exitCode, 0, table.stderr);
  });

  test('answers the NodePort on 127.0.0.1 from the host', async () => {
    assert.ok(nodePort >= 30000 && nodePort <= 32767, `nodePort ${nodePort}`);
    assert.match(await httpText(`http://127.0.0.1:${nodePort}/`), /^web-[ab]$/);
  });

  test('stops sending requests to a backend that turned unready', async () => {
    const ipB = (await k.ok(['get', 'pod', 'web-b', '-o', 'jsonpath={.status.podIP}'])).trim();
    await k.ok(['exec', 'web-b', '--', 'rm', '/tmp/ready']);
    await waitFor('web-b out of the ready endpoints', async () => !(await readyAddresses()).includes(ipB));
    // The slice changes first; the rules follow after the proxy's short debounce.
    await waitFor('only web-a answering', async () =>
      (await fetchFrom('client', 10)).every((a) => a === 'web-a'),
    );
    assert.deepEqual([...new Set(await fetchFrom('client', 10))], ['web-a']);
  });

  test('lets a backend reach itself through its own ClusterIP', async () => {
    assert.deepEqual([...new Set(await fetchFrom('web-a', 3))], ['web-a']);
  });
});
