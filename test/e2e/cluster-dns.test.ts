// Cluster DNS through kubectl: ClusterFirst pods get podlet's server on the bridge address with the Kubernetes
// search list; a client's init container waits for a database by name and then connects by name; headless per-pod
// names, SRV records for named ports, PTRs, and forwarding of other names to the node's resolvers. The node's
// resolver here is a fake on a random loopback address (`--resolv-conf`), so no query leaves the machine.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import { bridgeGatewayAddress } from '../../src/dns/bridge-address.js';
import { readTcpFrames, tcpFrame } from '../../src/dns/tcp-frames.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

/** The node's resolver: answers `*.example.test` with 192.0.2.1 and records every name it is asked. */
const upstreamHost = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const upstreamUdp = createSocket('udp4');
const upstreamTcp = createServer((s) => readTcpFrames(s, (m) => s.write(tcpFrame(upstreamAnswer(m)))));
const askedUpstream: string[] = [];

function upstreamAnswer(message: Buffer): Buffer {
  const q = dnsPacket.decode(message);
  const question = q.questions?.[0];
  askedUpstream.push(question?.name ?? '');
  const known = question?.name.endsWith('example.test') === true;
  const NXDOMAIN = 3;
  return dnsPacket.encode({
    type: 'response',
    id: q.id ?? 0,
    flags: dnsPacket.RECURSION_AVAILABLE | (known ? 0 : NXDOMAIN),
    questions: q.questions ?? [],
    answers:
      known && question?.type === 'A' ? [{ type: 'A', name: question.name, ttl: 60, data: '192.0.2.1' }] : [],
  });
}

async function startUpstream(dir: string): Promise<string> {
  upstreamUdp.on('message', (m, peer) => upstreamUdp.send(upstreamAnswer(m), peer.port, peer.address));
  upstreamUdp.bind(53, upstreamHost);
  await once(upstreamUdp, 'listening');
  upstreamTcp.listen(53, upstreamHost);
  await once(upstreamTcp, 'listening');
  const file = join(dir, 'node-resolv.conf');
  await writeFile(file, `nameserver ${upstreamHost}\n`);
  return file;
}

const manifests = `
apiVersion: v1
kind: Service
metadata: { name: db-service }
spec:
  clusterIP: None
  selector: { app: db }
  ports: [{ name: postgres, port: 5432, protocol: TCP }]
---
apiVersion: v1
kind: Service
metadata: { name: api }
spec:
  ports: [{ name: http, port: 80, protocol: TCP }]
---
apiVersion: v1
kind: Pod
metadata: { name: db-0, labels: { app: db } }
spec:
  terminationGracePeriodSeconds: 1
  hostname: db-0
  subdomain: db-service
  containers:
    - name: db
      image: ${TEST_IMAGE}
      command: [nc, -ll, -p, '5432', -e, echo, hello]
      ports: [{ name: postgres, containerPort: 5432 }]
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
    - name: wait-for-db
      image: ${TEST_IMAGE}
      command: [sh, -c, 'until nc -w 2 db-service 5432 </dev/null; do sleep 1; done']
  containers:
    - name: client
      image: ${TEST_IMAGE}
      command: [sh, -c, 'nc -w 2 db-service 5432 </dev/null; exec sleep 3600']
`;

describe('cluster DNS', () => {
  const k = useCluster({
    serveArgs: async () => ['--resolv-conf', await startUpstream(k.instance.dataDir)],
  });
  after(async () => {
    upstreamUdp.close();
    await new Promise((resolve) => upstreamTcp.close(resolve));
  });
  // busybox nslookup asks every search-list candidate and exits 1 when any is NXDOMAIN (`db-service.svc.cluster.local`
  // is), so its output is what tells.
  const nslookup = async (...args: string[]) =>
    (await k.kubectl(['exec', 'client', '--', 'nslookup', ...args])).stdout;
  const podIp = async (pod: string) =>
    (await k.ok(['get', 'pod', pod, '-o', 'jsonpath={.status.podIP}'])).trim();

  test('a client waits for the database by name in an init container, then connects by name', async () => {
    await k.ok(['apply', '-f', '-'], { input: manifests });
    await k.ok(['wait', '--for=condition=Ready', 'pod/db-0', 'pod/client', '--timeout=120s']);
    await waitFor('the reply in the client log', async () =>
      (await k.ok(['logs', 'client'])).includes('hello'),
    );
  });

  test('ClusterFirst pods get the cluster DNS on the bridge address, the search list and ndots:5', async () => {
    const resolv = await k.ok(['exec', 'client', '--', 'cat', '/etc/resolv.conf']);
    assert.equal(
      resolv,
      'search default.svc.cluster.local svc.cluster.local cluster.local\n' +
        `nameserver ${bridgeGatewayAddress(k.instance.podCidr)}\n` +
        'options ndots:5\n',
    );
  });

  test('a headless Service answers its pod IPs, and a pod with hostname and subdomain its own name', async () => {
    const ip = await podIp('db-0');
    assert.match(
      await nslookup('db-service'),
      new RegExp(`Name:\\s+db-service\\.default\\.svc\\.cluster\\.local\\nAddress:\\s+${ip}\\n`),
    );
    assert.match(
      await nslookup('db-0.db-service.default.svc.cluster.local'),
      new RegExp(`Address:\\s+${ip}\\n`),
    );
  });

  test('SRV of a named port lists each endpoint by its DNS name', async () => {
    const out = await nslookup('-type=srv', '_postgres._tcp.db-service.default.svc.cluster.local');
    assert.match(out, /service = 0 100 5432 db-0\.db-service\.default\.svc\.cluster\.local/);
  });

  test('a ClusterIP Service answers its cluster IP, an SRV for its named port and a PTR back', async () => {
    const clusterIp = (await k.ok(['get', 'svc', 'api', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    assert.notEqual(clusterIp, '', 'the Service has a cluster IP');
    assert.match(await nslookup('api.default.svc.cluster.local'), new RegExp(`Address:\\s+${clusterIp}\\n`));
    const srv = await nslookup('-type=srv', '_http._tcp.api.default.svc.cluster.local');
    assert.match(srv, /service = 0 100 80 api\.default\.svc\.cluster\.local/);
    assert.match(await nslookup(clusterIp), /name = api\.default\.svc\.cluster\.local/);
  });

  test('PTR of a headless endpoint names the pod under its Service', async () => {
    assert.match(
      await nslookup(await podIp('db-0')),
      /name = db-0\.db-service\.default\.svc\.cluster\.local/,
    );
  });

  test('unknown cluster names are NXDOMAIN without asking upstream; other names are forwarded', async () => {
    assert.match(
      await nslookup('nope.default.svc.cluster.local'),
      /server can't find nope\.default\.svc\.cluster\.local: NXDOMAIN/,
    );
    assert.ok(!askedUpstream.some((n) => n.endsWith('cluster.local')), askedUpstream.join(' '));
    assert.match(await nslookup('www.example.test'), /Address:\s+192\.0\.2\.1\n/);
    assert.ok(askedUpstream.includes('www.example.test'));
  });
});
