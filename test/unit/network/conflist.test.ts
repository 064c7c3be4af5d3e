import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPodConflist, LOOPBACK_CONFLIST, pluginStdin } from '../../../src/network/conflist.js';

const list = buildPodConflist({
  bridge: 'podlet0',
  podCidr: '10.85.0.0/24',
  ipamDataDir: '/var/lib/podlet/network/ipam',
});

test('the pod network is a bridge with host-local IPAM and no routes, then portmap without SNAT', () => {
  assert.deepEqual(list, {
    cniVersion: '1.0.0',
    name: 'podlet0',
    plugins: [
      {
        type: 'bridge',
        bridge: 'podlet0',
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: '10.85.0.0/24' }]],
          dataDir: '/var/lib/podlet/network/ipam',
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: false },
    ],
  });
  const ipam = list.plugins[0]?.ipam as Record<string, unknown>;
  assert.equal('routes' in ipam, false, 'no default route: pod traffic never leaves the machine');
  assert.equal('isDefaultGateway' in list.plugins[0]!, false);
});

test('rejects bridge names that are not Linux interface names', () => {
  for (const bridge of ['', 'a-bridge-name-too-long', 'has space', 'a/b']) {
    assert.throws(
      () => buildPodConflist({ bridge, podCidr: '10.85.0.0/24', ipamDataDir: '/x' }),
      /is not a Linux interface name/,
      bridge,
    );
  }
});

test('rejects a pod CIDR that is not IPv4', () => {
  assert.throws(
    () => buildPodConflist({ bridge: 'podlet0', podCidr: '10.85.0.0/64', ipamDataDir: '/x' }),
    /pod CIDR/,
  );
});

test('each plugin gets the list name and version, and prevResult only when there is one', () => {
  const first = pluginStdin(list, list.plugins[0]!, undefined, { portMappings: [] });
  assert.equal(first.name, 'podlet0');
  assert.equal(first.cniVersion, '1.0.0');
  assert.equal('prevResult' in first, false);
  const prev = { cniVersion: '1.0.0', ips: [{ address: '10.85.0.2/24' }] };
  assert.deepEqual(pluginStdin(list, list.plugins[1]!, prev, {}).prevResult, prev);
});

test('runtimeConfig carries only the capabilities a plugin declares', () => {
  const mappings = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }];
  const rt = { portMappings: mappings, bandwidth: { ingressRate: 1 } };
  assert.deepEqual(pluginStdin(list, list.plugins[1]!, undefined, rt).runtimeConfig, {
    portMappings: mappings,
  });
  assert.equal('runtimeConfig' in pluginStdin(list, list.plugins[0]!, undefined, rt), false);
  assert.equal('runtimeConfig' in pluginStdin(list, list.plugins[1]!, undefined, {}), false);
});

test('loopback is a one-plugin list of its own', () => {
  assert.deepEqual(pluginStdin(LOOPBACK_CONFLIST, LOOPBACK_CONFLIST.plugins[0]!, undefined, {}), {
    type: 'loopback',
    name: 'cni-loopback',
    cniVersion: '1.0.0',
  });
});
