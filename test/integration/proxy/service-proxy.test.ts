// The Service data plane on real nftables, with pods on the real CNI bridge network: Services and EndpointSlices
// are written to a store, ServiceProxy turns them into rules, busybox httpd answers in the pods' namespaces.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../../src/api/object.js';
import { checkPodCidrFree, PodNetwork, type PodNetworkRequest } from '../../../src/network/cni.js';
import { createNetns, removeNetns } from '../../../src/network/netns.js';
import { nftTableExists } from '../../../src/proxy/nft.js';
import { ServiceProxy } from '../../../src/proxy/service-proxy.js';
import { ObjectStore } from '../../../src/store/object-store.js';
import { run, runUnchecked } from '../../../src/util/exec.js';
import { removeTree } from '../../../src/util/fs.js';
import { silentLogger } from '../../../src/util/log.js';
import { httpText } from './http-text.js';

const BUSYBOX = '/usr/bin/busybox';
const SLICES = 'endpointslices.discovery.k8s.io';
const tag = randomBytes(2).toString('hex');

interface TestPod {
  name: string;
  ns: string;
  ip: string;
  req: PodNetworkRequest;
  httpd?: ChildProcess;
}

async function freeCidr(second: number, bridge: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const cidr = `10.${second}.${randomInt(256)}.0/24`;
    if (await checkPodCidrFree(cidr, bridge).then(() => true, () => false)) return cidr; // prettier-ignore
  }
  throw new Error(`no free range in 10.${second}.0.0/16`);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** One HTTP GET from inside a pod's namespace: the body, or the error wget printed. */
async function wgetFrom(ns: string, url: string): Promise<{ ok: boolean; text: string }> {
  // No `-T`: Debian's static busybox 1.35 wget crashes with it; the call's own time-out bounds the wait.
  const r = await runUnchecked('ip', ['netns', 'exec', ns, BUSYBOX, 'wget', '-qO-', url], {
    timeoutMs: 10_000,
  });
  return { ok: r.exitCode === 0, text: r.exitCode === 0 ? r.stdout.trim() : r.stderr.trim() };
}

function service(name: string, clusterIP: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { type: 'ClusterIP', clusterIP, clusterIPs: [clusterIP], ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], ...spec },
  }; // prettier-ignore
}

function slice(serviceName: string, endpoints: { ip: string; ready: boolean }[]): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${serviceName}-abcde`,
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': serviceName },
    },
    addressType: 'IPv4',
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready } })),
  };
}

describe('the Service data plane on nftables', () => {
  const bridge = `pxy${tag}`;
  const table = `podlet-${bridge}`;
  let tmp: string;
  let store: ObjectStore;
  let net: PodNetwork;
  let proxy: ServiceProxy;
  let serviceCidr: string;
  let podCidr: string;
  let clusterIP: string;
  let stickyIP: string;
  let emptyIP: string;
  const nodePort = randomInt(30000, 32768);
  const pods: TestPod[] = ['alpha', 'beta', 'client'].map((name) => ({
    name,
    ns: `podlet-pxy${tag}-${name}`,
    ip: '',
    req: {
      id: `pxy${tag}${name}`,
      netnsPath: `/run/netns/podlet-pxy${tag}-${name}`,
      podName: name,
      podNamespace: 'default',
      podUid: `uid-${name}`,
      portMappings: [],
    },
  }));
  const [alpha, beta, client] = pods as [TestPod, TestPod, TestPod];

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'podlet-proxy-it-'));
    podCidr = await freeCidr(240, bridge);
    serviceCidr = await freeCidr(241, bridge);
    const base = serviceCidr.replace(/0\/24$/, '');
    [clusterIP, stickyIP, emptyIP] = [`${base}10`, `${base}11`, `${base}12`];
    net = new PodNetwork({ bridge, podCidr, dataDir: join(tmp, 'network') });
    const gateway = podCidr.replace(/0\/24$/, '1');
    for (const pod of pods) {
      await createNetns(pod.ns);
      const status = await net.add(pod.req);
      pod.ip = (status.ips[0] ?? '').split('/')[0] ?? '';
      // What the pod network's IPAM routes give pods: the service range through the bridge.
      await run('ip', ['-n', pod.ns, 'route', 'add', serviceCidr, 'via', gateway]);
      if (pod === client) continue;
      const www = join(tmp, pod.name);
      await mkdir(www);
      await writeFile(join(www, 'index.html'), `${pod.name}\n`);
      pod.httpd = spawn('ip', ['netns', 'exec', pod.ns, BUSYBOX, 'httpd', '-f', '-p', '8080', '-h', www], {
        stdio: 'ignore',
      });
    }
    store = ObjectStore.open(join(tmp, 'store.db'));
    store.create('services', service('web', clusterIP, { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', targetPort: 8080, nodePort }] })); // prettier-ignore
    store.create(
      SLICES,
      slice('web', [
        { ip: alpha.ip, ready: true },
        { ip: beta.ip, ready: true },
      ]),
    );
    store.create('services', service('sticky', stickyIP, { sessionAffinity: 'ClientIP' }));
    store.create(
      SLICES,
      slice('sticky', [
        { ip: alpha.ip, ready: true },
        { ip: beta.ip, ready: true },
      ]),
    );
    store.create('services', service('empty', emptyIP));
    proxy = new ServiceProxy({ store, bridge, podCidr, serviceCidr, logger: silentLogger, debounceMs: 20 });
    await proxy.start();
    await waitFor('both httpd servers', async () => {
      const answers = await Promise.all(
        [alpha, beta].map((p) => wgetFrom(client.ns, `http://${p.ip}:8080/`)),
      );
      return answers.every((a) => a.ok);
    });
  });

  after(async () => {
    await proxy?.stop().catch(() => undefined);
    store?.close();
    for (const pod of pods) {
      pod.httpd?.kill('SIGKILL');
      await net?.remove(pod.req).catch(() => undefined);
      await removeNetns(pod.ns).catch(() => undefined);
    }
    await net?.removeBridge().catch(() => undefined);
    await runUnchecked('nft', ['delete', 'table', 'ip', table]);
    if (tmp) await removeTree(tmp);
  });

  test('spreads connections to a ClusterIP across both ready backends', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const answer = await wgetFrom(client.ns, `http://${clusterIP}/`);
      assert.ok(answer.ok, answer.text);
      seen.add(answer.text);
    }
    assert.deepEqual([...seen].sort(), ['alpha', 'beta']);
  });

  test('keeps a client on one backend when the Service has ClientIP affinity', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add((await wgetFrom(client.ns, `http://${stickyIP}/`)).text);
    assert.equal(seen.size, 1, `answers: ${[...seen].join(', ')}`);
  });

  test('answers a NodePort on 127.0.0.1 from the host', async () => {
    assert.match(await httpText(`http://127.0.0.1:${nodePort}/`), /^(alpha|beta)$/);
    assert.equal((await readFile(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, 'utf8')).trim(), '1');
  });

  test('refuses connections to a Service port without endpoints', async () => {
    const answer = await wgetFrom(client.ns, `http://${emptyIP}/`);
    assert.equal(answer.ok, false);
    assert.match(answer.text, /refused/i);
  });

  test('takes an unready endpoint out of the rotation', async () => {
    const current = store.get(SLICES, 'default', 'web-abcde');
    assert.ok(current);
    store.update(SLICES, { ...slice('web', [{ ip: alpha.ip, ready: true }, { ip: beta.ip, ready: false }]), metadata: current.metadata }); // prettier-ignore
    await waitFor('the unready endpoint to leave the table', async () => {
      const { stdout } = await run('nft', ['list', 'table', 'ip', table]);
      return !stdout.includes(`default/web/tcp/__${beta.ip}/8080`);
    });
    for (let i = 0; i < 10; i++)
      assert.equal((await wgetFrom(client.ns, `http://${clusterIP}/`)).text, 'alpha');
  });

  test('lets a backend reach itself through its own ClusterIP (hairpin)', async () => {
    for (let i = 0; i < 3; i++)
      assert.equal((await wgetFrom(alpha.ns, `http://${clusterIP}/`)).text, 'alpha');
  });

  test('reaches an endpoint on the host loopback, as the kubernetes Service of an API on 127.0.0.1', async () => {
    const server = createServer((_req, res) => res.end('api\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const apiIP = serviceCidr.replace(/0\/24$/, '1');
    try {
      store.create('services', service('api', apiIP));
      store.create(SLICES, { ...slice('api', [{ ip: '127.0.0.1', ready: true }]), ports: [{ name: '', port, protocol: 'TCP' }] }); // prettier-ignore
      await waitFor('the API through its ClusterIP', async () => (await wgetFrom(client.ns, `http://${apiIP}/`)).text === 'api'); // prettier-ignore
    } finally {
      server.close();
      store.delete('services', 'default', 'api');
      store.delete(SLICES, 'default', 'api-abcde');
    }
  });

  test('keeps a second instance in a table of its own', async () => {
    const other = new ServiceProxy({
      store,
      bridge: `pxz${tag}`,
      podCidr: '10.239.0.0/24',
      serviceCidr,
      logger: silentLogger,
    });
    await other.start();
    try {
      assert.equal(await nftTableExists(`podlet-pxz${tag}`), true);
      assert.equal(await nftTableExists(table), true);
    } finally {
      await other.stop();
    }
    assert.equal(await nftTableExists(`podlet-pxz${tag}`), false);
    assert.equal(await nftTableExists(table), true);
    assert.equal((await wgetFrom(client.ns, `http://${clusterIP}/`)).text, 'alpha');
  });

  test('replaces a stale table of the same name at start and removes everything at stop', async () => {
    await proxy.stop();
    assert.equal(await nftTableExists(table), false);
    assert.equal((await readFile(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, 'utf8')).trim(), '0');
    await run('nft', ['-f', '-'], {
      input: `table ip ${table} {\n\tchain left-by-a-crash { counter; }\n}\n`,
    });
    proxy = new ServiceProxy({ store, bridge, podCidr, serviceCidr, logger: silentLogger });
    await proxy.start();
    const { stdout } = await run('nft', ['list', 'table', 'ip', table]);
    assert.doesNotMatch(stdout, /left-by-a-crash/);
    assert.match(stdout, /chain services/);
  });
});
