import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  checkPodCidrFree,
  PodNetwork,
  type PodNetworkRequest,
  type PodNetworkStatus,
} from '../../../src/network/cni.js';
import { CniPluginError } from '../../../src/network/errors.js';
import { cidrContains, parseIpv4, parseIpv4Cidr } from '../../../src/network/ipv4-cidr.js';
import { createNetns, listNetns, removeNetns } from '../../../src/network/netns.js';
import { run, runUnchecked } from '../../../src/util/exec.js';
import { removeTree } from '../../../src/util/fs.js';

const BUSYBOX = '/usr/bin/busybox';
const tag = randomBytes(2).toString('hex');
const nsPrefix = `podlet-t${tag}`;

/** A random range in `10.<second>.x.0/<prefix>` that no route or address of this host overlaps. */
async function freeCidr(second: number, prefix: number, bridge: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const cidr = `10.${second}.${randomInt(256)}.0/${prefix}`;
    if (
      await checkPodCidrFree(cidr, bridge).then(
        () => true,
        () => false,
      )
    )
      return cidr;
  }
  throw new Error(`no free range in 10.${second}.0.0/16`);
}

async function vethsOn(bridge: string): Promise<string[]> {
  const r = await runUnchecked('ip', ['-j', 'link', 'show', 'master', bridge]);
  if (r.exitCode !== 0) return [];
  return (JSON.parse(r.stdout || '[]') as { ifname: string }[]).map((l) => l.ifname);
}

async function linkExists(name: string): Promise<boolean> {
  return (await runUnchecked('ip', ['link', 'show', name])).exitCode === 0;
}

async function ipamFiles(dataDir: string, bridge: string): Promise<string[]> {
  const names = await readdir(join(dataDir, 'ipam', bridge)).catch(() => [] as string[]);
  return names.filter((n) => parseIpv4(n) !== undefined);
}

async function linkFlags(ns: string, dev: string): Promise<string[]> {
  const { stdout } = await run('ip', ['-n', ns, '-j', 'link', 'show', dev]);
  return (JSON.parse(stdout) as { flags: string[] }[])[0]?.flags ?? [];
}

/** Pings until one reply or the deadline: the first packet may race the bridge learning the new port. */
async function pingWithin(ns: string, ip: string, deadlineMs: number): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const r = await runUnchecked('ip', ['netns', 'exec', ns, BUSYBOX, 'ping', '-c1', '-W1', ip]);
    if (r.exitCode === 0) return true;
  }
  return false;
}

/** How portmap tags its rules (`iptables -S` prints the comment's quotes escaped). */
function portmapComment(id: string): string {
  return `id: \\"${id}\\"`;
}

function request(
  id: string,
  ns: string,
  portMappings: PodNetworkRequest['portMappings'] = [],
): PodNetworkRequest {
  return {
    id,
    netnsPath: `/run/netns/${ns}`,
    podName: `pod-${id}`,
    podNamespace: 'default',
    podUid: `uid-${id}`,
    portMappings,
  };
}

/** A TCP server inside the namespace that answers "hello"; resolves once it listens. */
function serveHello(ns: string, port: number): Promise<ChildProcess> {
  const script = `require('net').createServer((s) => s.end('hello')).listen(${port}, '0.0.0.0', () => console.log('ready'))`;
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server in the pod did not start within 10 s')), 10_000);
    child.stdout.on('data', () => {
      clearTimeout(timer);
      resolve(child);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server in the pod exited with ${code}`));
    });
  });
}

function readFrom(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect({ host, port, timeout: 5_000 });
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('end', () => resolve(data));
    socket.on('timeout', () => socket.destroy(new Error(`no answer from ${host}:${port} within 5 s`)));
    socket.on('error', reject);
  });
}

describe('pods on the bridge network, through the real CNI plugins', () => {
  const bridge = `pltest${tag}`;
  const bridge2 = `pltest${tag}b`;
  let tmp: string;
  let cidr: string;
  let cidr2: string;
  let net: PodNetwork;
  let net2: PodNetwork;
  const reqA = request(`a${tag}`, `${nsPrefix}-a`);
  const reqB = request(`b${tag}`, `${nsPrefix}-b`, [
    { hostPort: randomInt(20_000, 40_000), containerPort: 8080, protocol: 'tcp' },
  ]);
  const reqC = request(`c${tag}`, `${nsPrefix}-c`);
  const reqD = request(`d${tag}`, `${nsPrefix}-d`);
  const status = new Map<string, PodNetworkStatus>();

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'podlet-net-it-'));
    cidr = await freeCidr(250, 24, bridge);
    cidr2 = await freeCidr(251, 30, bridge2);
    net = new PodNetwork({ bridge, podCidr: cidr, dataDir: join(tmp, 'one') });
    net2 = new PodNetwork({ bridge: bridge2, podCidr: cidr2, dataDir: join(tmp, 'two') });
    for (const r of [reqA, reqB, reqC, reqD]) await createNetns(r.netnsPath.split('/').pop()!);
  });

  after(async () => {
    for (const [n, r] of [
      [net, reqA],
      [net, reqB],
      [net2, reqC],
      [net2, reqD],
    ] as const) {
      await n?.remove(r, status.get(r.id)?.result).catch((e: unknown) => console.error('clean-up:', e));
      await removeNetns(r.netnsPath.split('/').pop()!);
    }
    for (const b of [bridge, bridge2]) await runUnchecked('ip', ['link', 'delete', b]);
    if (tmp) await removeTree(tmp);
  });

  test('ADD gives each pod an address in the pod CIDR, with eth0 and lo up', async () => {
    for (const r of [reqA, reqB]) status.set(r.id, await net.add(r));
    const range = parseIpv4Cidr(cidr)!;
    for (const r of [reqA, reqB]) {
      const s = status.get(r.id)!;
      assert.equal(s.ips.length, 1);
      assert.ok(cidrContains(range, parseIpv4(s.ips[0]!)!), `${s.ips[0]} is in ${cidr}`);
      assert.equal(s.interfaceName, 'eth0');
      assert.equal(s.gateway, cidr.replace(/0\/24$/, '1'));
      const ns = r.netnsPath.split('/').pop()!;
      assert.ok((await linkFlags(ns, 'eth0')).includes('UP'));
      assert.ok((await linkFlags(ns, 'lo')).includes('UP'));
    }
    assert.notEqual(status.get(reqA.id)!.ips[0], status.get(reqB.id)!.ips[0]);
    assert.equal((await vethsOn(bridge)).length, 2);
  });

  test('the pods reach each other across the bridge', async () => {
    const ipA = status.get(reqA.id)!.ips[0]!;
    const ipB = status.get(reqB.id)!.ips[0]!;
    assert.ok(await pingWithin(`${nsPrefix}-a`, ipB, 10_000), `a pings ${ipB}`);
    assert.ok(await pingWithin(`${nsPrefix}-b`, ipA, 10_000), `b pings ${ipA}`);
  });

  test('a hostPort on the bridge address is forwarded to the pod by portmap', async () => {
    const nat = await run('iptables', ['-t', 'nat', '-S']);
    assert.ok(nat.stdout.includes(portmapComment(reqB.id)), 'portmap added a DNAT rule for the pod');
    const server = await serveHello(`${nsPrefix}-b`, 8080);
    try {
      assert.equal(await readFrom(status.get(reqB.id)!.gateway!, reqB.portMappings[0]!.hostPort), 'hello');
    } finally {
      server.kill('SIGKILL');
    }
  });

  test('the sandbox ids holding addresses are listed, and the conflist is written for humans', async () => {
    assert.deepEqual(await net.allocatedIds(), [reqA.id, reqB.id].sort());
    const conflist = JSON.parse(await readFile(join(tmp, 'one', 'net.d', 'podlet.conflist'), 'utf8')) as {
      name: string;
    };
    assert.equal(conflist.name, bridge);
  });

  test('a second instance with its own bridge, range and data dir shares no allocation with the first', async () => {
    status.set(reqC.id, await net2.add(reqC));
    assert.ok(cidrContains(parseIpv4Cidr(cidr2)!, parseIpv4(status.get(reqC.id)!.ips[0]!)!));
    assert.deepEqual(await net2.allocatedIds(), [reqC.id]);
    assert.deepEqual(await net.allocatedIds(), [reqA.id, reqB.id].sort());
    assert.equal((await vethsOn(bridge2)).length, 1);
  });

  test('an ADD that fails part-way names the plugin and leaves no veth or address behind', async () => {
    // A /30 holds one pod: the second ADD fails in host-local after the bridge plugin made the veth.
    const error = await net2.add(reqD).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof CniPluginError, String(error));
    assert.equal(error.plugin, 'bridge');
    assert.equal(error.command, 'ADD');
    assert.match(error.cniError?.msg ?? '', /no IP addresses available/);
    assert.deepEqual(await net2.allocatedIds(), [reqC.id]);
    assert.equal((await vethsOn(bridge2)).length, 1);
    assert.deepEqual(await linkFlags(`${nsPrefix}-d`, 'eth0').catch(() => 'absent'), 'absent');
  });

  test('the second instance tears down to nothing and removes its bridge', async () => {
    await net2.remove(reqC, status.get(reqC.id)!.result);
    await removeNetns(`${nsPrefix}-c`);
    assert.deepEqual(await ipamFiles(join(tmp, 'two'), bridge2), []);
    await net2.removeBridge();
    assert.equal(await linkExists(bridge2), false);
    assert.equal(await linkExists(bridge), true, 'the first instance keeps its bridge');
  });

  test('DEL twice is fine: the address is freed and the veth is gone', async () => {
    await net.remove(reqA, status.get(reqA.id)!.result);
    await net.remove(reqA, status.get(reqA.id)!.result);
    assert.deepEqual(await net.allocatedIds(), [reqB.id]);
    assert.equal((await vethsOn(bridge)).length, 1);
    await removeNetns(`${nsPrefix}-a`);
    await removeNetns(`${nsPrefix}-a`);
    assert.deepEqual(await listNetns(`${nsPrefix}-a`), []);
  });

  test('DEL after the namespace is gone still frees the address and the hostPort rules', async () => {
    await removeNetns(`${nsPrefix}-b`);
    await net.remove(reqB, status.get(reqB.id)!.result);
    await net.remove(reqB);
    assert.deepEqual(await net.allocatedIds(), []);
    assert.deepEqual(await ipamFiles(join(tmp, 'one'), bridge), []);
    assert.deepEqual(await vethsOn(bridge), []);
    const nat = await run('iptables', ['-t', 'nat', '-S']);
    assert.equal(nat.stdout.includes(portmapComment(reqB.id)), false, 'no portmap rule mentions the pod');
  });

  test('the bridge is removed once nothing is attached, and removing it again is fine', async () => {
    await net.removeBridge();
    assert.equal(await linkExists(bridge), false);
    await net.removeBridge();
    assert.deepEqual(await listNetns(nsPrefix), [`${nsPrefix}-d`]);
  });
});
