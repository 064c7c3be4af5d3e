import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseCniError } from '../../../src/network/cni-plugin.js';
import { PodNetwork, podNetworkStatus } from '../../../src/network/cni.js';
import { CniPluginError } from '../../../src/network/errors.js';
import { findCidrConflicts } from '../../../src/network/host-routes.js';
import { readIpamAllocations } from '../../../src/network/host-local-store.js';
import { parseIpv4Cidr } from '../../../src/network/ipv4-cidr.js';
import { removeTree } from '../../../src/util/fs.js';

const tmp = await mkdtemp(join(tmpdir(), 'podlet-net-unit-'));
after(() => removeTree(tmp));

test('the pod IPs are the addresses on the interface inside the namespace, without prefix length', () => {
  const result = {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'podlet0' }, { name: 'veth1' }, { name: 'eth0', sandbox: '/run/netns/podlet-1' }],
    ips: [
      { interface: 0, address: '10.85.0.1/24' },
      { interface: 2, address: '10.85.0.5/24', gateway: '10.85.0.1' },
    ],
  };
  assert.deepEqual(podNetworkStatus(result), {
    ips: ['10.85.0.5'],
    gateway: '10.85.0.1',
    interfaceName: 'eth0',
    result,
  });
});

test('an empty result gives no IPs and no gateway', () => {
  assert.deepEqual(podNetworkStatus(undefined), { ips: [], interfaceName: 'eth0', result: undefined });
});

test('a failing plugin error keeps code, msg and details', () => {
  assert.deepEqual(
    parseCniError(
      '{"cniVersion":"1.0.0","code":11,"msg":"no IP addresses available","details":"range full"}',
    ),
    {
      code: 11,
      msg: 'no IP addresses available',
      details: 'range full',
    },
  );
  assert.deepEqual(parseCniError('panic: oops'), { msg: 'panic: oops' });
  assert.equal(parseCniError(''), undefined);
});

test('a plugin error message names the plugin, command, container, CNI error and stderr', () => {
  const e = new CniPluginError(
    'bridge',
    'ADD',
    'abc',
    { code: 11, msg: 'no IP addresses available', details: 'range full' },
    'line1\nline2\n',
  );
  assert.equal(
    e.message,
    'CNI plugin bridge ADD failed for abc: code 11: no IP addresses available (range full): stderr: line1 | line2',
  );
});

test('a pod CIDR overlapping a route or address not on our bridge is reported; our bridge and default are not', () => {
  const cidr = parseIpv4Cidr('10.85.0.0/24')!;
  const routes = [
    { dst: 'default', dev: 'eth0' },
    { dst: '10.85.0.0/24', dev: 'podlet0' },
    { dst: '10.0.0.0/8', dev: 'tun0' },
    { dst: '192.0.2.0/24', dev: 'eth0' },
    { dst: '10.85.0.9', dev: 'wg0' },
  ];
  const interfaces = [
    { ifname: 'podlet0', addr_info: [{ family: 'inet', local: '10.85.0.1', prefixlen: 24 }] },
    { ifname: 'dummy0', addr_info: [{ family: 'inet', local: '10.85.0.200', prefixlen: 32 }] },
    { ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
  ];
  assert.deepEqual(findCidrConflicts(cidr, 'podlet0', routes, interfaces), [
    'route 10.0.0.0/8 dev tun0',
    'route 10.85.0.9 dev wg0',
    'address 10.85.0.200/32 on dummy0',
  ]);
  assert.deepEqual(
    findCidrConflicts(parseIpv4Cidr('10.86.0.0/24')!, 'podlet0', routes.slice(0, 2), interfaces),
    [],
  );
});

test('host-local reservations are read from files named by IP, skipping its bookkeeping files', async () => {
  const dir = join(tmp, 'ipam', 'podlet0');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '10.85.0.2'), 'sandbox-a\r\neth0');
  await writeFile(join(dir, '10.85.0.3'), 'sandbox-b');
  await writeFile(join(dir, 'last_reserved_ip.0'), '10.85.0.3');
  await writeFile(join(dir, 'lock'), '');
  assert.deepEqual(await readIpamAllocations(join(tmp, 'ipam'), 'podlet0'), [
    { ip: '10.85.0.2', containerId: 'sandbox-a', ifName: 'eth0' },
    { ip: '10.85.0.3', containerId: 'sandbox-b' },
  ]);
  assert.deepEqual(await readIpamAllocations(join(tmp, 'ipam'), 'other'), []);
  const network = new PodNetwork({ bridge: 'podlet0', podCidr: '10.85.0.0/24', dataDir: tmp });
  assert.deepEqual(await network.allocatedIds(), ['sandbox-a', 'sandbox-b']);
});

test('a PodNetwork with a bad CIDR or bridge name fails when constructed', () => {
  assert.throws(
    () => new PodNetwork({ bridge: 'podlet0', podCidr: '10.85.0.0', dataDir: tmp }),
    /pod CIDR "10\.85\.0\.0" is not an IPv4 CIDR/,
  );
  assert.throws(
    () => new PodNetwork({ bridge: 'x'.repeat(16), podCidr: '10.85.0.0/24', dataDir: tmp }),
    /not a Linux interface name/,
  );
});
