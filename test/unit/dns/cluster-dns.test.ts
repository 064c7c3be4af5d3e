// The whole server on loopback: objects written to a real store, queries over real UDP and TCP sockets, and a fake
// upstream resolver on 127.0.0.1 standing in for the host's (nothing leaves the machine).
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import dnsPacket, { type DecodedPacket, type RecordType } from 'dns-packet';
import type { KubeObject } from '../../../src/api/object.js';
import { ClusterDns } from '../../../src/dns/cluster-dns.js';
import { upstreamsFromResolvConf } from '../../../src/dns/forwarder.js';
import { readTcpFrames, tcpFrame } from '../../../src/dns/tcp-frames.js';
import { silentLogger } from '../../../src/util/log.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';
import { clusterIpService, endpoint, service, slice } from './fixtures.js';

const LOOPBACK = '127.0.0.1';

/** An upstream that answers `*.example.test` A with 192.0.2.1 over UDP and TCP, and counts the queries. */
class FakeUpstream {
  readonly udp: UdpSocket = createSocket('udp4');
  readonly tcp: Server = createServer((socket) =>
    readTcpFrames(socket, (m) => socket.write(tcpFrame(this.answer(m)))),
  );
  queries = 0;

  async start(): Promise<number> {
    this.udp.on('message', (m, peer) => this.udp.send(this.answer(m), peer.port, peer.address));
    this.udp.bind(0, LOOPBACK);
    await once(this.udp, 'listening');
    this.tcp.listen(this.udp.address().port, LOOPBACK);
    await once(this.tcp, 'listening');
    return this.udp.address().port;
  }

  async stop(): Promise<void> {
    this.udp.close();
    await new Promise((resolve) => this.tcp.close(resolve));
  }

  private answer(message: Buffer): Buffer {
    this.queries++;
    const q = dnsPacket.decode(message);
    const name = q.questions?.[0]?.name ?? '';
    return dnsPacket.encode({
      type: 'response',
      id: q.id ?? 0,
      flags: dnsPacket.RECURSION_AVAILABLE,
      questions: q.questions ?? [],
      answers: name.endsWith('example.test') ? [{ type: 'A', name, ttl: 60, data: '192.0.2.1' }] : [],
    });
  }
}

let nextId = 1;

async function queryUdp(port: number, name: string, type: RecordType): Promise<DecodedPacket> {
  const socket = createSocket('udp4');
  try {
    const id = nextId++;
    socket.send(
      dnsPacket.encode({
        type: 'query',
        id,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ name, type }],
      }),
      port,
      LOOPBACK,
    );
    const [reply] = (await once(socket, 'message', { signal: AbortSignal.timeout(5000) })) as [Buffer];
    const decoded = dnsPacket.decode(reply);
    assert.equal(decoded.id, id);
    return decoded;
  } finally {
    socket.close();
  }
}

async function queryTcp(port: number, name: string, type: RecordType): Promise<DecodedPacket> {
  const socket = connect(port, LOOPBACK);
  try {
    const reply = new Promise<Buffer>((resolve) => readTcpFrames(socket, resolve));
    socket.write(tcpFrame(dnsPacket.encode({ type: 'query', id: 7, questions: [{ name, type }] })));
    return dnsPacket.decode(
      await Promise.race([
        reply,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no TCP answer')), 5000).unref()),
      ]),
    );
  } finally {
    socket.destroy();
  }
}

const rcode = (p: DecodedPacket) => (p as DecodedPacket & { rcode: string }).rcode;
const addresses = (p: DecodedPacket) =>
  (p.answers ?? []).filter((a) => a.type === 'A').map((a) => ('data' in a ? a.data : undefined));

describe('cluster DNS server', () => {
  let temp: TempStore;
  let upstream: FakeUpstream;
  let dns: ClusterDns;
  const put = (resource: string, object: unknown) => temp.store.create(resource, object as KubeObject);

  before(async () => {
    temp = openTempStore();
    put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    put(
      'services',
      clusterIpService('db-service', '10.96.0.10', [{ name: 'postgres', port: 5432, protocol: 'TCP' }]),
    );
    upstream = new FakeUpstream();
    const upstreamPort = await upstream.start();
    dns = await ClusterDns.start({
      store: temp.store,
      zone: 'cluster.local',
      address: LOOPBACK,
      port: 0,
      upstreams: [{ host: LOOPBACK, port: upstreamPort }],
      forwardTimeoutMs: 1000,
      logger: silentLogger,
    });
  });

  after(async () => {
    await dns?.close();
    await upstream?.stop();
    temp?.dispose();
  });

  test('answers a Service name over UDP and over TCP', async () => {
    const udp = await queryUdp(dns.port, 'db-service.default.svc.cluster.local', 'A');
    assert.equal(udp.flag_aa, true);
    assert.deepEqual(addresses(udp), ['10.96.0.10']);
    assert.deepEqual(addresses(await queryTcp(dns.port, 'db-service.default.svc.cluster.local', 'A')), [
      '10.96.0.10',
    ]);
  });

  test('sees Services and EndpointSlices written after it started', async () => {
    put(
      'services',
      service('web', { clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    );
    put(
      'endpointslices.discovery.k8s.io',
      slice(
        'web',
        [endpoint('10.85.0.7', { hostname: 'web-0' })],
        [{ name: 'http', port: 80, protocol: 'TCP' }],
      ),
    );
    assert.deepEqual(addresses(await queryUdp(dns.port, 'web-0.web.default.svc.cluster.local', 'A')), [
      '10.85.0.7',
    ]);
    temp.store.delete('services', 'default', 'web');
    assert.equal(rcode(await queryUdp(dns.port, 'web.default.svc.cluster.local', 'A')), 'NXDOMAIN');
  });

  test('forwards names outside the zone to the upstream, over the transport they came on', async () => {
    const before = upstream.queries;
    assert.deepEqual(addresses(await queryUdp(dns.port, 'www.example.test', 'A')), ['192.0.2.1']);
    assert.deepEqual(addresses(await queryTcp(dns.port, 'www.example.test', 'A')), ['192.0.2.1']);
    assert.equal(upstream.queries, before + 2);
  });

  test('a UDP answer too large for 512 bytes is truncated, and complete over TCP', async () => {
    const many = Array.from({ length: 60 }, (_, i) => endpoint(`10.85.1.${i + 1}`));
    put('services', service('big', { clusterIP: 'None', ports: [{ port: 80, protocol: 'TCP' }] }));
    put('endpointslices.discovery.k8s.io', slice('big', many, [{ port: 80, protocol: 'TCP' }]));
    const udp = await queryUdp(dns.port, 'big.default.svc.cluster.local', 'A');
    assert.equal(udp.flag_tc, true);
    const tcp = await queryTcp(dns.port, 'big.default.svc.cluster.local', 'A');
    assert.equal(tcp.flag_tc, false);
    assert.equal(addresses(tcp).length, 60);
  });
});

describe('cluster DNS forwarding failures', () => {
  test('answers SERVFAIL when no upstream answers in time', async () => {
    const temp = openTempStore();
    const silent = createSocket('udp4');
    let dns: ClusterDns | undefined;
    try {
      silent.bind(0, LOOPBACK);
      await once(silent, 'listening');
      dns = await ClusterDns.start({
        store: temp.store,
        zone: 'cluster.local',
        address: LOOPBACK,
        port: 0,
        upstreams: [{ host: LOOPBACK, port: silent.address().port }],
        forwardTimeoutMs: 200,
        logger: silentLogger,
      });
      assert.equal(rcode(await queryUdp(dns.port, 'www.example.test', 'A')), 'SERVFAIL');
    } finally {
      await dns?.close();
      silent.close();
      temp.dispose();
    }
  });

  test('the host resolvers exclude podlet’s own address', () => {
    const text =
      '# generated\nsearch corp.example\nnameserver 10.85.0.1\nnameserver 192.0.2.53\nnameserver bogus\n';
    assert.deepEqual(upstreamsFromResolvConf(text, ['10.85.0.1']), [{ host: '192.0.2.53', port: 53 }]);
  });
});
