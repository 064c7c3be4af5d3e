import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Answer, RecordType } from 'dns-packet';
import fc from 'fast-check';
import { resolveQuestion, type ResolverContext, type ZoneAnswer } from '../../../src/dns/resolver.js';
import { clusterIpService, context, endpoint, service, slice } from './fixtures.js';

function ask(ctx: ResolverContext, name: string, type: RecordType): ZoneAnswer {
  const r = resolveQuestion({ name, type }, ctx);
  assert.equal(r.kind, 'answer', `${name} ${type} is answered from the cluster`);
  return r as ZoneAnswer;
}

const data = (records: Answer[]) => records.map((r) => ('data' in r ? r.data : undefined));

const db = clusterIpService('db-service', '10.96.0.10', [
  { name: 'postgres', port: 5432, protocol: 'TCP', targetPort: 5432 },
  { name: 'metrics', port: 9187, protocol: 'TCP', targetPort: 9187 },
]);
const dbSlice = slice(
  'db-service',
  [endpoint('10.85.0.5', { targetRef: { kind: 'Pod', name: 'db-0', namespace: 'default' } })],
  [
    { name: 'postgres', port: 5432, protocol: 'TCP' },
    { name: 'metrics', port: 9187, protocol: 'TCP' },
  ],
);
const headless = service('web', {
  clusterIP: 'None',
  clusterIPs: ['None'],
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
});
const webSlice = slice(
  'web',
  [
    endpoint('10.85.0.7', { hostname: 'web-0' }),
    endpoint('10.85.0.8'),
    endpoint('10.85.0.9', { hostname: 'web-2', conditions: { ready: false } }),
  ],
  [{ name: 'http', port: 80, protocol: 'TCP' }],
);
const ctx = context([db, headless], [dbSlice, webSlice]);

describe('cluster DNS resolver: Services', () => {
  test('a ClusterIP Service name answers its cluster IP, authoritative, TTL 5', () => {
    const r = ask(ctx, 'db-service.default.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers, [
      { type: 'A', name: 'db-service.default.svc.cluster.local', ttl: 5, data: '10.96.0.10' },
    ]);
  });

  test('names match case-insensitively and answers keep the case of the question', () => {
    const r = ask(ctx, 'DB-Service.Default.SVC.cluster.local.', 'A');
    assert.deepEqual(data(r.answers), ['10.96.0.10']);
    assert.equal(r.answers[0]?.name, 'DB-Service.Default.SVC.cluster.local.');
  });

  test('SRV of a named port points at the Service name with the port, and glues its address', () => {
    const r = ask(ctx, '_postgres._tcp.db-service.default.svc.cluster.local', 'SRV');
    assert.deepEqual(data(r.answers), [
      { priority: 0, weight: 100, port: 5432, target: 'db-service.default.svc.cluster.local' },
    ]);
    assert.deepEqual(r.additionals, [
      { type: 'A', name: 'db-service.default.svc.cluster.local', ttl: 5, data: '10.96.0.10' },
    ]);
  });

  test('SRV of the bare Service name lists every port with the weight shared out', () => {
    const r = ask(ctx, 'db-service.default.svc.cluster.local', 'SRV');
    assert.deepEqual(
      data(r.answers).map((d) => (d as { port: number; weight: number }).port),
      [5432, 9187],
    );
    assert.ok(data(r.answers).every((d) => (d as { weight: number }).weight === 50));
  });

  test('an unknown port name or protocol is NXDOMAIN', () => {
    assert.equal(ask(ctx, '_http._tcp.db-service.default.svc.cluster.local', 'SRV').rcode, 'NXDOMAIN');
    assert.equal(ask(ctx, '_postgres._udp.db-service.default.svc.cluster.local', 'SRV').rcode, 'NXDOMAIN');
  });

  test('an existing name without records of the type is NODATA: NOERROR, no answers, the SOA', () => {
    const r = ask(ctx, 'db-service.default.svc.cluster.local', 'AAAA');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers, []);
    assert.equal(r.authorities[0]?.type, 'SOA');
    assert.deepEqual(data(r.authorities)[0], {
      mname: 'ns.dns.cluster.local',
      rname: 'hostmaster.cluster.local',
      serial: 1700000000,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: 5,
    });
  });

  test('an unknown Service, namespace or a name that is not svc/pod is NXDOMAIN with the SOA', () => {
    for (const name of [
      'nope.default.svc.cluster.local',
      'db-service.missing.svc.cluster.local',
      'db-service.default.xyz.cluster.local',
      'a.b.c.db-service.default.svc.cluster.local',
    ]) {
      const r = ask(ctx, name, 'A');
      assert.equal(r.rcode, 'NXDOMAIN', name);
      assert.equal(r.authorities[0]?.type, 'SOA', name);
    }
  });

  test('the zone apex, svc, and an existing namespace exist without addresses (NODATA)', () => {
    for (const name of ['cluster.local', 'svc.cluster.local', 'default.svc.cluster.local']) {
      const r = ask(ctx, name, 'A');
      assert.equal(r.rcode, 'NOERROR', name);
      assert.deepEqual(r.answers, [], name);
    }
  });

  test('a ClusterIP Service whose IP is not allocated yet is NODATA', () => {
    const pending = service('pending', { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] });
    const r = ask(context([pending]), 'pending.default.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers, []);
  });

  test('a dual-stack Service answers A and AAAA with its two cluster IPs', () => {
    const dual = service('dual', {
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20', 'fd00:10:96::0020'],
      ports: [{ port: 80, protocol: 'TCP' }],
    });
    const c = context([dual]);
    assert.deepEqual(data(ask(c, 'dual.default.svc.cluster.local', 'A').answers), ['10.96.0.20']);
    assert.deepEqual(data(ask(c, 'dual.default.svc.cluster.local', 'AAAA').answers), ['fd00:10:96::20']);
  });

  test('an ExternalName Service answers a CNAME and asks for its target to be resolved', () => {
    const ext = service('ext', { type: 'ExternalName', externalName: 'db.example.com' });
    const r = ask(context([ext]), 'ext.default.svc.cluster.local', 'A');
    assert.deepEqual(r.answers, [
      { type: 'CNAME', name: 'ext.default.svc.cluster.local', ttl: 5, data: 'db.example.com' },
    ]);
    assert.deepEqual(r.chase, { type: 'A', name: 'db.example.com' });
    assert.equal(ask(context([ext]), '_x._tcp.ext.default.svc.cluster.local', 'SRV').rcode, 'NXDOMAIN');
  });

  test('dns-version answers the schema version', () => {
    const r = ask(ctx, 'dns-version.cluster.local', 'TXT');
    assert.deepEqual(r.answers, [
      { type: 'TXT', name: 'dns-version.cluster.local', ttl: 28800, data: '1.1.0' },
    ]);
  });

  test('zone transfers are refused', () => {
    assert.equal(ask(ctx, 'cluster.local', 'AXFR').rcode, 'REFUSED');
  });

  test('the apex SOA and NS name the server, ns.dns answers its address', () => {
    assert.equal(ask(ctx, 'cluster.local', 'SOA').answers[0]?.type, 'SOA');
    const ns = ask(ctx, 'cluster.local', 'NS');
    assert.deepEqual(data(ns.answers), ['ns.dns.cluster.local']);
    assert.deepEqual(data(ns.additionals), ['10.85.0.1']);
    assert.deepEqual(data(ask(ctx, 'ns.dns.cluster.local', 'A').answers), ['10.85.0.1']);
  });
});

describe('cluster DNS resolver: headless Services and pods', () => {
  test('a headless Service answers one A record per ready endpoint', () => {
    const r = ask(ctx, 'web.default.svc.cluster.local', 'A');
    assert.deepEqual(data(r.answers), ['10.85.0.7', '10.85.0.8']);
  });

  test('an endpoint with a hostname has hostname.service.ns.svc.zone; others their dashed address', () => {
    assert.deepEqual(data(ask(ctx, 'web-0.web.default.svc.cluster.local', 'A').answers), ['10.85.0.7']);
    assert.deepEqual(data(ask(ctx, '10-85-0-8.web.default.svc.cluster.local', 'A').answers), ['10.85.0.8']);
  });

  test('a not-ready endpoint has no record unless the Service publishes not-ready addresses', () => {
    assert.equal(ask(ctx, 'web-2.web.default.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
    const published = service('web', { ...headless.spec, publishNotReadyAddresses: true });
    const c = context([published], [webSlice]);
    assert.deepEqual(data(ask(c, 'web-2.web.default.svc.cluster.local', 'A').answers), ['10.85.0.9']);
  });

  test('SRV of a headless Service names each endpoint, weight split between them', () => {
    const r = ask(ctx, '_http._tcp.web.default.svc.cluster.local', 'SRV');
    assert.deepEqual(data(r.answers), [
      { priority: 0, weight: 50, port: 80, target: 'web-0.web.default.svc.cluster.local' },
      { priority: 0, weight: 50, port: 80, target: '10-85-0-8.web.default.svc.cluster.local' },
    ]);
    assert.deepEqual(
      r.additionals.map((a) => [a.name, 'data' in a ? a.data : undefined]),
      [
        ['web-0.web.default.svc.cluster.local', '10.85.0.7'],
        ['10-85-0-8.web.default.svc.cluster.local', '10.85.0.8'],
      ],
    );
  });

  test('a headless Service without ready endpoints is NXDOMAIN', () => {
    assert.equal(ask(context([headless]), 'web.default.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
  });

  test('endpoints from several slices of one Service are all served, once each', () => {
    const second = slice(
      'web',
      [endpoint('10.85.0.8'), endpoint('10.85.0.11')],
      webSlice.ports ?? [],
      'default',
      'xyz',
    );
    const r = ask(context([headless], [webSlice, second]), 'web.default.svc.cluster.local', 'A');
    assert.deepEqual(data(r.answers), ['10.85.0.7', '10.85.0.8', '10.85.0.11']);
  });

  test('a port-less headless Service still answers A records but no SRV', () => {
    const bare = service('bare', { clusterIP: 'None' });
    const c = context([bare], [slice('bare', [endpoint('10.85.0.12')], [])]);
    assert.deepEqual(data(ask(c, 'bare.default.svc.cluster.local', 'A').answers), ['10.85.0.12']);
    const srv = ask(c, 'bare.default.svc.cluster.local', 'SRV');
    assert.equal(srv.rcode, 'NOERROR');
    assert.deepEqual(srv.answers, []);
  });

  test('a dashed pod address under pod.zone answers that address in an existing namespace', () => {
    assert.deepEqual(data(ask(ctx, '10-85-0-5.default.pod.cluster.local', 'A').answers), ['10.85.0.5']);
    assert.equal(ask(ctx, '10-85-0-5.missing.pod.cluster.local', 'A').rcode, 'NXDOMAIN');
    assert.equal(ask(ctx, 'not-an-ip.default.pod.cluster.local', 'A').rcode, 'NXDOMAIN');
  });
});

describe('cluster DNS resolver: reverse lookups and forwarding', () => {
  test('PTR of a cluster IP names the Service', () => {
    const r = ask(ctx, '10.0.96.10.in-addr.arpa', 'PTR');
    assert.deepEqual(r.answers, [
      { type: 'PTR', name: '10.0.96.10.in-addr.arpa', ttl: 5, data: 'db-service.default.svc.cluster.local' },
    ]);
  });

  test('PTR of an endpoint address names it under each Service it backs', () => {
    assert.deepEqual(data(ask(ctx, '7.0.85.10.in-addr.arpa', 'PTR').answers), [
      'web-0.web.default.svc.cluster.local',
    ]);
    assert.deepEqual(data(ask(ctx, '5.0.85.10.in-addr.arpa', 'PTR').answers), [
      '10-85-0-5.db-service.default.svc.cluster.local',
    ]);
  });

  test('PTR of an address the cluster does not know, and other reverse queries, go upstream', () => {
    assert.deepEqual(resolveQuestion({ name: '1.2.0.192.in-addr.arpa', type: 'PTR' }, ctx), {
      kind: 'forward',
    });
    assert.deepEqual(resolveQuestion({ name: '10.0.96.10.in-addr.arpa', type: 'A' }, ctx), {
      kind: 'forward',
    });
  });

  test('names outside the zone go upstream, whatever their type', () => {
    fc.assert(
      fc.property(
        fc.domain().filter((d) => !/(^|\.)cluster\.local$/i.test(d) && !/\.arpa$/i.test(d)),
        fc.constantFrom<RecordType>('A', 'AAAA', 'SRV', 'TXT', 'MX', 'PTR'),
        (name, type) => {
          assert.deepEqual(resolveQuestion({ name, type }, ctx), { kind: 'forward' });
        },
      ),
    );
  });

  test('every name inside the zone is answered there: NOERROR or NXDOMAIN, records named as asked', () => {
    const label = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(label, fc.constantFrom('svc', 'pod', 'default', 'db-service', 'web', '_http', '_tcp')),
          {
            maxLength: 6,
          },
        ),
        fc.constantFrom<RecordType>('A', 'AAAA', 'SRV', 'TXT', 'CNAME', 'MX'),
        (labels, type) => {
          const name = [...labels, 'cluster.local'].join('.');
          const r = ask(ctx, name, type);
          assert.ok(r.rcode === 'NOERROR' || r.rcode === 'NXDOMAIN');
          assert.ok(r.answers.every((a) => a.name === name));
          if (r.answers.length === 0) assert.equal(r.authorities[0]?.type, 'SOA');
        },
      ),
    );
  });
});
