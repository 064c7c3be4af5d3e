import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  needsRouteLocalnet,
  proxyTableName,
  renderRuleset,
  type RulesetOptions,
} from '../../../src/proxy/nft-ruleset.js';
import type { ProxiedServicePort } from '../../../src/proxy/service-ports.js';

const options: RulesetOptions = {
  table: proxyTableName('podlet0'),
  serviceCidr: '10.86.0.0/24',
  bridge: 'podlet0',
  podCidr: '10.85.0.0/24',
  bridgeNetfilter: true,
};

const web: ProxiedServicePort = {
  name: 'default/web/tcp/http',
  clusterIP: '10.86.0.10',
  protocol: 'tcp',
  port: 80,
  endpoints: [
    { ip: '10.85.0.2', port: 8080 },
    { ip: '10.85.0.3', port: 8080 },
  ],
};

/** The first line of the table body declaring a `kind` whose name starts with the pattern `name`. */
function declaration(text: string, kind: string, name: string): string {
  const start = new RegExp(`^\\t${kind} ${name}`);
  const line = text.split('\n').find((l) => start.test(l));
  assert.ok(line, `no ${kind} ${name} in:\n${text}`);
  return line;
}

describe('renderRuleset', () => {
  test('replaces exactly its own table in one script', () => {
    const text = renderRuleset([web], options);
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['add table ip podlet-podlet0', 'delete table ip podlet-podlet0', 'table ip podlet-podlet0 {']); // prettier-ignore
    assert.equal(text.match(/^table /gm)?.length, 1);
    assert.doesNotMatch(text, /\b(insert|flush ruleset|jump (PREROUTING|OUTPUT|POSTROUTING|FORWARD))\b/);
  });

  test('sends a ClusterIP port to one of its endpoints at random', () => {
    const text = renderRuleset([web], options);
    assert.match(declaration(text, 'map', 'service-ips'), /10\.86\.0\.10 \. tcp \. 80 : goto service-[0-9A-F]{8}-default\/web\/tcp\/http/); // prettier-ignore
    const service = declaration(text, 'chain', 'service-[0-9A-F]{8}-');
    assert.match(service, /numgen random mod 2 vmap \{ 0 : goto endpoint-\S+__10\.85\.0\.2\/8080, 1 : goto endpoint-\S+__10\.85\.0\.3\/8080 \}/); // prettier-ignore
    assert.match(
      declaration(text, 'chain', 'endpoint-[0-9A-F]{8}-'),
      /meta l4proto tcp dnat to 10\.85\.0\.2:8080;/,
    );
    assert.match(text, /dnat to 10\.85\.0\.3:8080;/);
  });

  test('rejects a port without endpoints instead of giving it a service chain', () => {
    const text = renderRuleset([{ ...web, endpoints: [] }], options);
    assert.match(
      declaration(text, 'map', 'no-endpoint-services'),
      /10\.86\.0\.10 \. tcp \. 80 : goto reject-chain/,
    );
    assert.equal(declaration(text, 'map', 'service-ips'), '\tmap service-ips { type ipv4_addr . inet_proto . inet_service : verdict; }'); // prettier-ignore
    assert.doesNotMatch(text, /chain service-[0-9A-F]{8}-|dnat to/);
    assert.match(declaration(text, 'chain', 'reject-chain'), /\breject\b/);
  });

  test('answers NodePorts only on 127.0.0.1 and masquerades them onto the bridge', () => {
    const text = renderRuleset([{ ...web, nodePort: 30080 }], options);
    assert.match(declaration(text, 'map', 'service-nodeports'), /tcp \. 30080 : goto service-/);
    assert.match(declaration(text, 'chain', 'nat-output'), /ip daddr 127\.0\.0\.1 meta l4proto \. th dport vmap @service-nodeports/); // prettier-ignore
    assert.match(declaration(text, 'chain', 'nat-postrouting'), /oifname "podlet0" ct original ip daddr 127\.0\.0\.1 meta l4proto tcp ct original proto-dst 30080 masquerade/); // prettier-ignore
    const unserved = renderRuleset([{ ...web, nodePort: 30080, endpoints: [] }], options);
    assert.match(declaration(unserved, 'map', 'no-endpoint-nodeports'), /tcp \. 30080 : goto reject-chain/);
    assert.doesNotMatch(unserved, /proto-dst 30080/);
  });

  test('pins a client to its endpoint with one timed set per endpoint for ClientIP affinity', () => {
    const text = renderRuleset([{ ...web, affinitySeconds: 60 }], options);
    assert.match(declaration(text, 'chain', 'service-[0-9A-F]{8}-'), /^\tchain \S+ \{ ip saddr @affinity-\S+__10\.85\.0\.2\/8080 goto endpoint-\S+__10\.85\.0\.2\/8080; ip saddr @affinity-\S+__10\.85\.0\.3\/8080 goto endpoint-\S+; numgen/); // prettier-ignore
    assert.match(
      declaration(text, 'set', 'affinity-'),
      /type ipv4_addr; flags dynamic,timeout; timeout 60s;/,
    );
    assert.match(
      declaration(text, 'chain', 'endpoint-[0-9A-F]{8}-'),
      /update @affinity-\S+ \{ ip saddr \}; meta l4proto tcp dnat/,
    );
  });

  test('keeps pod client addresses when bridged traffic passes netfilter, masquerading hairpin only', () => {
    const post = declaration(renderRuleset([web], options), 'chain', 'nat-postrouting');
    assert.match(post, /ct original ip daddr 10\.86\.0\.0\/24 ip saddr != 10\.85\.0\.0\/24 masquerade/);
    assert.match(post, /ip saddr \. ip daddr @hairpin masquerade/);
    const hairpin = declaration(renderRuleset([web], options), 'set', 'hairpin');
    assert.match(hairpin, /elements = \{ 10\.85\.0\.2 \. 10\.85\.0\.2, 10\.85\.0\.3 \. 10\.85\.0\.3 \}/);
  });

  test('masquerades all Service traffic onto the bridge when bridged traffic skips netfilter', () => {
    const text = renderRuleset([web], { ...options, bridgeNetfilter: false });
    assert.match(declaration(text, 'chain', 'nat-postrouting'), /oifname "podlet0" ct original ip daddr 10\.86\.0\.0\/24 masquerade/); // prettier-ignore
    assert.doesNotMatch(text, /hairpin/);
  });

  test('takes pod traffic from its own bridge only and keeps the rest of the service range off the wire', () => {
    const text = renderRuleset([web], options);
    assert.match(declaration(text, 'chain', 'nat-prerouting'), /iifname "podlet0" jump services;/);
    assert.match(
      declaration(text, 'chain', 'filter-forward'),
      /iifname "podlet0" ct state new jump cluster-ips-check/,
    );
    const check = declaration(text, 'chain', 'cluster-ips-check');
    assert.match(check, /ip daddr @cluster-ips reject .*ip daddr 10\.86\.0\.0\/24 drop/);
    assert.match(declaration(text, 'set', 'cluster-ips'), /elements = \{ 10\.86\.0\.10 \}/);
  });

  test('renders an empty cluster as a valid table with empty maps', () => {
    const text = renderRuleset([], options);
    assert.doesNotMatch(text, /elements/);
    assert.match(text, /chain services \{ ip daddr \. meta l4proto \. th dport vmap @service-ips; \}/);
  });

  test('gives each port and endpoint a stable chain name of its own', () => {
    const other = { ...web, name: 'default/web/tcp/metrics', port: 9090 };
    const text = renderRuleset([web, other], options);
    assert.equal(text, renderRuleset([web, other], options));
    const chains = [...text.matchAll(/^\tchain (\S+)/gm)].map((m) => m[1]);
    assert.equal(new Set(chains).size, chains.length);
    assert.equal(chains.filter((c) => c?.startsWith('endpoint-')).length, 4);
  });

  test('lets pods reach the host loopback only through a Service DNAT', () => {
    const input = declaration(renderRuleset([], options), 'chain', 'filter-input');
    assert.match(input, /iifname "podlet0" ip daddr 127\.0\.0\.0\/8 ct state new ct status & dnat == 0 drop/);
  });

  test('refuses pods the API port at every host address, before the Service DNAT exception, when it is closed', () => {
    const open = declaration(renderRuleset([], options), 'chain', 'filter-input');
    assert.doesNotMatch(open, /dport 6443/);
    const closed = declaration(
      renderRuleset([], { ...options, closedApiPort: 6443 }),
      'chain',
      'filter-input',
    );
    assert.match(closed, /policy accept; iifname "podlet0" tcp dport 6443 reject with tcp reset comment "[^"]+"; iifname "podlet0" ip daddr 127/); // prettier-ignore
  });
});

describe('needsRouteLocalnet', () => {
  test('is needed for a served NodePort or a loopback endpoint, and not otherwise', () => {
    assert.equal(needsRouteLocalnet([web]), false);
    assert.equal(needsRouteLocalnet([{ ...web, nodePort: 30080, endpoints: [] }]), false);
    assert.equal(needsRouteLocalnet([{ ...web, nodePort: 30080 }]), true);
    assert.equal(needsRouteLocalnet([{ ...web, endpoints: [{ ip: '127.0.0.1', port: 6443 }] }]), true);
  });
});
