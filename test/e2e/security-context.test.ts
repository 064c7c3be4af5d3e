// securityContext through kubectl, seen from inside the containers: users and groups, a read-only root,
// no_new_privs, capabilities, seccomp, runAsNonRoot, pod sysctls (safe applied, unsafe refused at admission) and the
// host's network and PID namespaces.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { TEST_IMAGE, waitFor } from '../integration/support/podlet-process.js';
import { useCluster, type Cluster } from './support/cluster.js';

function pod(name: string, command: string, spec: Record<string, unknown> = {}, container = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'c', image: TEST_IMAGE, command: ['sh', '-c', command], ...container }],
      ...spec,
    },
  });
}

async function getPod(k: Cluster, name: string): Promise<Pod> {
  return JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
}

/** Applies the pod, waits for it to succeed and returns its log. */
async function runToEnd(k: Cluster, manifest: string): Promise<string> {
  const name = (JSON.parse(manifest) as Pod).metadata?.name ?? '';
  await k.ok(['apply', '-f', '-'], { input: manifest });
  await waitFor(`pod ${name} to succeed`, async () => {
    const phase = (await getPod(k, name)).status?.phase;
    assert.notEqual(phase, 'Failed', `pod ${name} failed: ${await k.ok(['logs', name])}`);
    return phase === 'Succeeded';
  });
  return k.ok(['logs', name]);
}

/** Interface names in a /proc/net/dev listing. */
function interfaces(procNetDev: string): string[] {
  return procNetDev
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]?.trim() ?? '')
    .filter((n) => n !== '');
}

describe('securityContext through kubectl', () => {
  const k = useCluster();

  test('runAsUser, runAsGroup, fsGroup and supplementalGroups are the process ids', async () => {
    const securityContext = { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] };
    const log = await runToEnd(k, pod('ids', 'id', { securityContext }));
    assert.match(log, /^uid=1000\(app\) gid=3000 groups=/);
    const groups = /groups=(.*)$/m.exec(log)?.[1] ?? '';
    for (const gid of ['2000', '3000', '4000']) assert.match(groups, new RegExp(`\\b${gid}\\b`));
  });

  test('a read-only root refuses writes, no_new_privs is set and capabilities follow add and drop', async () => {
    const securityContext = {
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] },
    };
    const script = 'touch /written 2>&1; echo "touch=$?"; grep -E "^(NoNewPrivs|CapEff):" /proc/self/status';
    const log = await runToEnd(k, pod('locked', script, {}, { securityContext }));
    assert.match(log, /Read-only file system/);
    assert.match(log, /^touch=1$/m);
    assert.match(log, /^NoNewPrivs:\s+1$/m);
    assert.match(log, /^CapEff:\s+0000000000001000$/m);
  });

  test('RuntimeDefault seccomp filters the container and refuses a new user namespace', async () => {
    const script = 'grep "^Seccomp:" /proc/self/status; unshare -U true 2>&1; echo "unshare=$?"';
    const confined = await runToEnd(
      k,
      pod('seccomp', script, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }),
    );
    assert.match(confined, /^Seccomp:\s+2$/m);
    assert.match(confined, /Operation not permitted/);
    assert.match(confined, /^unshare=1$/m);
    const unconfined = await runToEnd(k, pod('unconfined', script));
    assert.match(unconfined, /^Seccomp:\s+0$/m);
    assert.match(unconfined, /^unshare=0$/m);
  });

  test('runAsNonRoot refuses an image that runs as root with the kubelet message', async () => {
    const manifest = pod('nonroot', 'true', { securityContext: { runAsNonRoot: true } });
    await k.ok(['apply', '-f', '-'], { input: manifest });
    const uid = (await getPod(k, 'nonroot')).metadata?.uid ?? '';
    const message = `container has runAsNonRoot and image will run as root (pod: "nonroot_default(${uid})", container: c)`;
    const waiting = await waitFor('the container to wait', async () => {
      const state = (await getPod(k, 'nonroot')).status?.containerStatuses?.[0]?.state?.waiting;
      return state?.message ? state : undefined;
    });
    assert.deepEqual(waiting, { reason: 'CreateContainerConfigError', message });
    const events = await k.ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=nonroot',
      '-o',
      'json',
    ]);
    const failed = (JSON.parse(events) as { items: { reason?: string; message?: string }[] }).items.find(
      (e) => e.reason === 'Failed',
    );
    assert.equal(failed?.message, `Error: ${message}`);
  });

  test('an unsafe sysctl fails the pod as SysctlForbidden', async () => {
    const sysctls = [{ name: 'kernel.msgmax', value: '65536' }];
    await k.ok(['apply', '-f', '-'], { input: pod('unsafe', 'true', { securityContext: { sysctls } }) });
    const status = await waitFor('the pod to fail', async () => {
      const s = (await getPod(k, 'unsafe')).status;
      return s?.phase === 'Failed' ? s : undefined;
    });
    assert.equal(status.reason, 'SysctlForbidden');
    assert.equal(status.message, 'Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted');
  });

  test('safe sysctls are set in the pod namespaces only', async () => {
    const sysctls = [
      { name: 'net.ipv4.ip_local_port_range', value: '40000 50000' },
      { name: 'kernel.shm_rmid_forced', value: '1' },
    ];
    const script = 'cat /proc/sys/net/ipv4/ip_local_port_range /proc/sys/kernel/shm_rmid_forced';
    const log = await runToEnd(k, pod('safe', script, { securityContext: { sysctls } }));
    assert.deepEqual(log.trim().split(/\s+/), ['40000', '50000', '1']);
    const host = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    assert.notDeepEqual(host.trim().split(/\s+/), ['40000', '50000']);
  });

  test('hostNetwork sees the host interfaces and has the node IP', async () => {
    const before = interfaces(await readFile('/proc/net/dev', 'utf8'));
    const log = await runToEnd(k, pod('hostnet', 'cat /proc/net/dev', { hostNetwork: true }));
    const after = interfaces(await readFile('/proc/net/dev', 'utf8'));
    const seen = interfaces(log);
    for (const name of before.filter((n) => after.includes(n))) assert.ok(seen.includes(name), name);
    const status = (await getPod(k, 'hostnet')).status;
    assert.ok(status?.podIP);
    assert.equal(status.podIP, status.hostIP);
  });

  test('hostPID sees the host processes', async () => {
    const script = `test -d /proc/${process.pid} && echo "sees-host"; cat /proc/1/comm`;
    const log = await runToEnd(k, pod('hostpid', script, { hostPID: true }));
    const hostInit = (await readFile('/proc/1/comm', 'utf8')).trim();
    assert.deepEqual(log.trim().split('\n'), ['sees-host', hostInit]);
  });

  test('fsGroup owns the volumes: group, setgid directories, group-readable files, new files inherit it', async () => {
    await k.ok(['create', 'configmap', 'fsgroup-cm', '--from-literal=key=value']);
    const script = [
      'stat -c "%g %a" /data',
      'touch /data/new && stat -c "%g" /data/new',
      'stat -L -c "%g %a" /cfg/key',
    ].join('; ');
    const manifest = pod(
      'fsgroup',
      script,
      {
        securityContext: { runAsUser: 1000, fsGroup: 2000 },
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'fsgroup-cm', defaultMode: 0o400 } },
        ],
      },
      {
        volumeMounts: [
          { name: 'data', mountPath: '/data' },
          { name: 'cfg', mountPath: '/cfg' },
        ],
      },
    );
    assert.deepEqual((await runToEnd(k, manifest)).trim().split('\n'), ['2000 2777', '2000', '2000 440']);
    await k.ok(['delete', 'pod', 'fsgroup']);
    await k.ok(['delete', 'configmap', 'fsgroup-cm']);
  });

  test('privileged: every capability, the host devices, no masked paths, a writable /sys; the rest stay masked', async () => {
    const hostDevice = (await readdir('/dev', { withFileTypes: true })).find((e) => e.isBlockDevice())?.name;
    assert.ok(hostDevice, 'the host has a block device');
    // A path runc masks in unprivileged containers that this kernel has (not every kernel has /proc/kcore).
    const masked = ['/proc/kcore', '/proc/keys', '/proc/timer_list'].find((p) => existsSync(p));
    const script = [
      'grep CapEff /proc/self/status',
      `test -b /dev/${hostDevice} && echo has-${hostDevice} || echo no-${hostDevice}`,
      `stat -c %F ${masked}`,
      'awk \'$2 == "/sys" { print $4 }\' /proc/mounts | cut -d, -f1',
    ].join('; ');
    const hostCaps = /^CapEff:\s+(\w+)$/m.exec(await readFile('/proc/self/status', 'utf8'))?.[1];
    const privileged = await runToEnd(
      k,
      pod('privileged', script, {}, { securityContext: { privileged: true } }),
    );
    assert.deepEqual(privileged.trim().split('\n'), [
      `CapEff:\t${hostCaps}`,
      `has-${hostDevice}`,
      'regular empty file',
      'rw',
    ]);
    const plain = await runToEnd(k, pod('unprivileged', script));
    const [caps, device, kcore, sys] = plain.trim().split('\n');
    assert.notEqual(caps, `CapEff:\t${hostCaps}`);
    assert.deepEqual([device, kcore, sys], [`no-${hostDevice}`, 'character special file', 'ro']);
  });

  test('hostIPC shares the host IPC namespace; without it the pod has its own', async () => {
    const host = await readlink('/proc/self/ns/ipc');
    assert.equal(
      (await runToEnd(k, pod('hostipc', 'readlink /proc/self/ns/ipc', { hostIPC: true }))).trim(),
      host,
    );
    assert.notEqual((await runToEnd(k, pod('ownipc', 'readlink /proc/self/ns/ipc'))).trim(), host);
  });

  test('a memory-backed emptyDir is a tmpfs of its sizeLimit, full past it', async () => {
    const script =
      "df -k /cache | awk 'NR == 2 { print $1, $2 }'; dd if=/dev/zero of=/cache/fill bs=1M count=9 2>&1 | grep -o 'No space left on device' | head -1";
    const spec = { volumes: [{ name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }] };
    const container = { volumeMounts: [{ name: 'cache', mountPath: '/cache' }] };
    const log = await runToEnd(k, pod('memory-volume', script, spec, container));
    assert.deepEqual(log.trim().split('\n'), ['tmpfs 8192', 'No space left on device']);
  });
});
