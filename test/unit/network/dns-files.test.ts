import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import {
  parseResolvConf,
  PodHostnameError,
  podFqdn,
  podHostname,
  podKernelHostname,
  renderEtcHosts,
  renderHostNetworkEtcHosts,
  renderResolvConf,
  type ResolvConfInput,
} from '../../../src/network/dns-files.js';

const HOST_RESOLV =
  '# generated\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch corp.example lab.example.\noptions edns0 ndots:2\n';
const LOCAL = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'fe00::0\tip6-mcastprefix',
  'fe00::1\tip6-allnodes',
  'fe00::2\tip6-allrouters',
].join('\n');

function resolv(overrides: Partial<ResolvConfInput>): ReturnType<typeof renderResolvConf> {
  return renderResolvConf({
    dnsPolicy: 'ClusterFirst',
    hostNetwork: false,
    hostResolvConf: HOST_RESOLV,
    clusterDns: ['10.96.0.10'],
    clusterDomain: 'cluster.local',
    namespace: 'shop',
    ...overrides,
  });
}

describe('/etc/hosts', () => {
  test('lists localhost entries then the pod IP with its hostname, tab-separated', () => {
    assert.equal(
      renderEtcHosts({ podIPs: ['10.85.0.7'], hostname: 'web' }),
      `# Kubernetes-managed hosts file.\n${LOCAL}\n10.85.0.7\tweb\n`,
    );
  });

  test('puts the FQDN before the short name on every pod IP line when the pod has a subdomain', () => {
    const out = renderEtcHosts({
      podIPs: ['10.85.0.7', 'fd00::7'],
      hostname: 'web',
      fqdn: 'web.sub.shop.svc.cluster.local',
    });
    assert.ok(
      out.endsWith(
        '10.85.0.7\tweb.sub.shop.svc.cluster.local\tweb\nfd00::7\tweb.sub.shop.svc.cluster.local\tweb\n',
      ),
    );
  });

  test('appends HostAliases under their own header, one tab-separated line per IP', () => {
    const out = renderEtcHosts({
      podIPs: ['10.85.0.7'],
      hostname: 'web',
      hostAliases: [
        { ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] },
        { ip: '10.1.2.4', hostnames: ['baz'] },
      ],
    });
    assert.ok(
      out.endsWith(
        '10.85.0.7\tweb\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n10.1.2.4\tbaz\n',
      ),
    );
  });

  test('writes no pod line before the pod has an IP', () => {
    assert.equal(
      renderEtcHosts({ podIPs: [], hostname: 'web' }),
      `# Kubernetes-managed hosts file.\n${LOCAL}\n`,
    );
  });

  test('a hostNetwork pod gets the node file verbatim under the host-network header, plus HostAliases', () => {
    const node = '127.0.0.1 localhost\n192.0.2.2 node1\n';
    assert.equal(renderHostNetworkEtcHosts(node), `# Kubernetes-managed hosts file (host network).\n${node}`);
    assert.equal(
      renderHostNetworkEtcHosts(node, [{ ip: '10.1.2.3', hostnames: ['foo'] }]),
      `# Kubernetes-managed hosts file (host network).\n${node}\n# Entries added by HostAliases.\n10.1.2.3\tfoo\n`,
    );
  });
});

describe('parsing the node resolv.conf', () => {
  test('accumulates nameservers, keeps the last search and options lines, ignores comments', () => {
    const parsed = parseResolvConf(
      'nameserver 1.1.1.1\n# nameserver 9.9.9.9\nsearch a b\nsearch c. .\noptions x\noptions y z\n  nameserver 2.2.2.2  \nnameserver\n',
    );
    assert.deepEqual(parsed, { servers: ['1.1.1.1', '2.2.2.2'], searches: ['c'], options: ['y', 'z'] });
  });
});

describe('resolv.conf', () => {
  test('ClusterFirst uses the cluster DNS, cluster search domains then the host ones, and ndots:5', () => {
    const r = resolv({});
    assert.equal(
      r.content,
      'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    assert.deepEqual(r.events, []);
  });

  test('ClusterFirst drops host search domains that repeat a cluster one', () => {
    const r = resolv({ hostResolvConf: 'nameserver 1.1.1.1\nsearch cluster.local other\n' });
    assert.match(r.content, /^search shop\.svc\.cluster\.local svc\.cluster\.local cluster\.local other\n/);
  });

  test('ClusterFirst without cluster DNS falls back to Default and raises MissingClusterDNS', () => {
    const r = resolv({ clusterDns: [], podName: 'web', podUid: 'u-1' });
    assert.equal(
      r.content,
      'search corp.example lab.example\nnameserver 192.0.2.53\nnameserver 192.0.2.54\noptions edns0 ndots:2\n',
    );
    assert.deepEqual(r.events, [
      {
        reason: 'MissingClusterDNS',
        message:
          'pod: "web_shop(u-1)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
      },
    ]);
  });

  test('the MissingClusterDNS message without a pod name is the node-level one', () => {
    const r = resolv({ clusterDns: [] });
    assert.equal(r.events[0]?.message.startsWith('kubelet does not have ClusterDNS IP configured'), true);
  });

  test('Default uses the node resolv.conf settings', () => {
    assert.equal(
      resolv({ dnsPolicy: 'Default' }).content,
      'search corp.example lab.example\nnameserver 192.0.2.53\nnameserver 192.0.2.54\noptions edns0 ndots:2\n',
    );
  });

  test('ClusterFirst on the host network acts as Default, with no event', () => {
    const r = resolv({ hostNetwork: true });
    assert.match(r.content, /^search corp\.example lab\.example\nnameserver 192\.0\.2\.53\n/);
    assert.deepEqual(r.events, []);
  });

  test('ClusterFirstWithHostNet gives a hostNetwork pod the cluster DNS', () => {
    assert.match(
      resolv({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }).content,
      /nameserver 10\.96\.0\.10\n/,
    );
  });

  test('an unknown policy is treated as ClusterFirst', () => {
    assert.equal(resolv({ dnsPolicy: 'Bogus' }).content, resolv({}).content);
  });

  test('None uses only dnsConfig', () => {
    const r = resolv({
      dnsPolicy: 'None',
      dnsConfig: {
        nameservers: ['1.2.3.4'],
        searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
        options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
      },
    });
    assert.equal(
      r.content,
      'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 1.2.3.4\noptions ndots:2 edns0\n',
    );
  });

  test('an empty configuration copies the node resolv.conf, as containerd does', () => {
    const host = '# nothing here\n';
    assert.equal(resolv({ dnsPolicy: 'None', hostResolvConf: host }).content, host);
  });

  test('dnsConfig merges on top: servers and searches appended without duplicates, options replaced by name', () => {
    const r = resolv({
      dnsConfig: {
        nameservers: ['10.96.0.10', '1.1.1.1'],
        searches: ['corp.example', 'extra.example'],
        options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }],
      },
    });
    assert.equal(
      r.content,
      'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example extra.example\n' +
        'nameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:1 single-request\n',
    );
  });

  test('an option without a value in dnsConfig clears the value of the host option of that name', () => {
    const r = resolv({ dnsPolicy: 'Default', dnsConfig: { options: [{ name: 'ndots' }] } });
    assert.match(r.content, /\noptions edns0 ndots\n$/);
  });

  test('keeps the first three nameservers and raises DNSConfigForming', () => {
    const r = resolv({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] } });
    assert.equal(r.content.match(/^nameserver /gm)?.length, 3);
    assert.deepEqual(r.events, [
      {
        reason: 'DNSConfigForming',
        message:
          'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 2.2.2.2',
      },
    ]);
  });

  test('keeps at most 32 search domains', () => {
    const searches = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const r = resolv({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches } });
    assert.equal(r.content.split('\n')[0], `search ${searches.slice(0, 32).join(' ')}`);
    assert.equal(r.events[0]?.reason, 'DNSConfigForming');
    assert.equal(
      r.events[0]?.message,
      `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.slice(0, 32).join(' ')}`,
    );
  });

  test('drops search domains longer than 253 characters', () => {
    const long = `${'a'.repeat(250)}.com`;
    const r = resolv({
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['1.1.1.1'], searches: ['ok.example', long, 'b.example'] },
    });
    assert.equal(r.content.split('\n')[0], 'search ok.example b.example');
    assert.equal(r.events.length, 1);
  });

  test('cuts search domains from the end until the line fits 2048 characters', () => {
    const searches = Array.from({ length: 10 }, (_, i) => `${String(i).repeat(240)}.example`); // 248 chars each
    const r = resolv({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches } });
    const line = r.content.split('\n')[0] ?? '';
    assert.equal(line, `search ${searches.slice(0, 8).join(' ')}`);
    assert.ok(line.length - 'search '.length <= 2048);
    assert.equal(r.events[0]?.reason, 'DNSConfigForming');
  });

  test('within the limits no event is raised', () => {
    const searches = Array.from({ length: 32 }, (_, i) => `d${i}.example`);
    assert.deepEqual(
      resolv({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1', '2', '3'], searches } }).events,
      [],
    );
  });

  test('without a cluster domain ClusterFirst keeps only the host search domains', () => {
    assert.match(resolv({ clusterDomain: '' }).content, /^search corp\.example lab\.example\n/);
  });
});

describe('pod hostname and FQDN', () => {
  const pod = (spec: Partial<PodSpec>, name = 'web', namespace = 'shop'): Pod => ({
    metadata: { name, namespace },
    spec: { containers: [], ...spec },
  });

  test('is the pod name by default and spec.hostname when set', () => {
    assert.equal(podHostname(pod({})), 'web');
    assert.equal(podHostname(pod({ hostname: 'front' })), 'front');
  });

  test('is cut to 63 characters with trailing dashes and dots trimmed', () => {
    const name = `${'a'.repeat(60)}-.-b-c`;
    assert.equal(podHostname(pod({}, name)), 'a'.repeat(60));
    assert.equal(podHostname(pod({}, 'x'.repeat(100))), 'x'.repeat(63));
  });

  test('rejects a spec.hostname that is not a DNS label, with the kubelet message', () => {
    assert.throws(
      () => podHostname(pod({ hostname: 'Bad_Name' })),
      (e: unknown) =>
        e instanceof PodHostnameError &&
        /^pod Hostname "Bad_Name" is not a valid DNS label: /.test(e.message),
    );
  });

  test('has no FQDN without a subdomain', () => {
    assert.equal(podFqdn(pod({ hostname: 'front' }), 'cluster.local'), undefined);
  });

  test('FQDN is hostname.subdomain.namespace.svc.clusterDomain', () => {
    assert.equal(
      podFqdn(pod({ hostname: 'front', subdomain: 'sub' }), 'cluster.local'),
      'front.sub.shop.svc.cluster.local',
    );
  });

  test('an FQDN over 64 characters fails only with setHostnameAsFQDN, with the kubelet message', () => {
    const long = pod({ hostname: 'h'.repeat(30), subdomain: 's'.repeat(20) });
    const fqdn = `${'h'.repeat(30)}.${'s'.repeat(20)}.shop.svc.cluster.local`;
    assert.equal(podFqdn(long, 'cluster.local'), fqdn);
    assert.throws(
      () => podFqdn({ ...long, spec: { ...long.spec!, setHostnameAsFQDN: true } }, 'cluster.local'),
      new PodHostnameError(
        `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`,
      ),
    );
  });

  test('an FQDN of exactly 64 characters is accepted with setHostnameAsFQDN', () => {
    const p = pod({
      hostname: 'h'.repeat(64 - '.s.shop.svc.cluster.local'.length),
      subdomain: 's',
      setHostnameAsFQDN: true,
    });
    assert.equal(podFqdn(p, 'cluster.local')?.length, 64);
  });

  test('the kernel hostname is the FQDN only with setHostnameAsFQDN and a subdomain', () => {
    assert.equal(
      podKernelHostname(pod({ subdomain: 'sub', setHostnameAsFQDN: true }), 'cluster.local'),
      'web.sub.shop.svc.cluster.local',
    );
    assert.equal(podKernelHostname(pod({ subdomain: 'sub' }), 'cluster.local'), 'web');
    assert.equal(podKernelHostname(pod({ setHostnameAsFQDN: true }), 'cluster.local'), 'web');
  });

  test('rejects an invalid subdomain', () => {
    assert.throws(
      () => podFqdn(pod({ subdomain: 'a.b' }), 'cluster.local'),
      /pod Subdomain "a.b" is not a valid DNS label/,
    );
  });
});
