// DNS and hosts files through kubectl: resolv.conf for each dnsPolicy (this podlet runs with `--cluster-dns none`,
// so ClusterFirst falls back to the node's file with the kubelet's MissingClusterDNS event; cluster-dns.test.ts
// covers ClusterFirst with podlet's cluster DNS), dnsConfig, hostAliases, hostname/subdomain and
// setHostnameAsFQDN, read from inside the containers.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { TEST_IMAGE } from '../integration/support/podlet-process.js';
import { useCluster } from './support/cluster.js';

const hostNameservers = (await readFile('/etc/resolv.conf', 'utf8'))
  .split('\n')
  .filter((l) => /^nameserver\s/.test(l))
  .map((l) => l.split(/\s+/)[1]);

const pods = `
apiVersion: v1
kind: Pod
metadata: { name: dns-default }
spec:
  terminationGracePeriodSeconds: 1
  dnsPolicy: Default
  containers: [{ name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }]
---
apiVersion: v1
kind: Pod
metadata: { name: dns-cluster-first }
spec:
  terminationGracePeriodSeconds: 1
  containers: [{ name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }]
---
apiVersion: v1
kind: Pod
metadata: { name: dns-none }
spec:
  terminationGracePeriodSeconds: 1
  dnsPolicy: None
  dnsConfig:
    nameservers: [192.0.2.10, 192.0.2.11]
    searches: [corp.example, lab.example]
    options: [{ name: ndots, value: '2' }, { name: edns0 }]
  containers: [{ name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }]
---
apiVersion: v1
kind: Pod
metadata: { name: named }
spec:
  terminationGracePeriodSeconds: 1
  hostname: web
  subdomain: front
  setHostnameAsFQDN: true
  hostAliases:
    - { ip: 192.0.2.20, hostnames: [foo.local, bar.local] }
    - { ip: 192.0.2.21, hostnames: [baz.local] }
  containers: [{ name: c, image: ${TEST_IMAGE}, command: ['sleep', '3600'] }]
`;

describe('pod DNS and hosts', () => {
  const k = useCluster({ serveArgs: () => Promise.resolve(['--cluster-dns', 'none']) });
  const cat = (pod: string, file: string) => k.ok(['exec', pod, '--', 'cat', file]);
  const nameservers = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('nameserver '))
      .map((l) => l.slice('nameserver '.length));

  test('Default and ClusterFirst without cluster DNS copy the node; ClusterFirst says why', async () => {
    await k.ok(['apply', '-f', '-'], { input: pods });
    await k.ok(['wait', '--for=condition=Ready', 'pod', '--all', '--timeout=90s']);
    assert.deepEqual(nameservers(await cat('dns-default', '/etc/resolv.conf')), hostNameservers);
    assert.deepEqual(nameservers(await cat('dns-cluster-first', '/etc/resolv.conf')), hostNameservers);
    const events = await k.ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=dns-cluster-first,reason=MissingClusterDNS',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    assert.match(
      events,
      /^pod: "dns-cluster-first_default\([0-9a-f-]+\)"\. kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy\. Falling back to "Default" policy\./,
    );
    const quiet = await k.ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=dns-default,reason=MissingClusterDNS',
      '-o',
      'name',
    ]);
    assert.equal(quiet.trim(), '');
  });

  test('None takes dnsConfig alone: search, nameservers, options', async () => {
    assert.equal(
      await cat('dns-none', '/etc/resolv.conf'),
      'search corp.example lab.example\nnameserver 192.0.2.10\nnameserver 192.0.2.11\noptions ndots:2 edns0\n',
    );
  });

  test('hostname, subdomain, setHostnameAsFQDN and hostAliases show in the hosts file and the hostname', async () => {
    const fqdn = 'web.front.default.svc.cluster.local';
    assert.equal((await k.ok(['exec', 'named', '--', 'hostname'])).trim(), fqdn);
    const ip = (await k.ok(['get', 'pod', 'named', '-o', 'jsonpath={.status.podIP}'])).trim();
    const hosts = await cat('named', '/etc/hosts');
    assert.match(hosts, /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n/);
    assert.ok(hosts.includes(`${ip}\t${fqdn}\tweb\n`), hosts);
    assert.ok(
      hosts.endsWith(
        '\n# Entries added by HostAliases.\n192.0.2.20\tfoo.local\tbar.local\n192.0.2.21\tbaz.local\n',
      ),
      hosts,
    );
  });
});
