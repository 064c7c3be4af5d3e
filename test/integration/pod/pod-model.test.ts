import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import {
  containerId,
  execIn,
  NODE_NAME,
  TEST_IMAGE,
  waitRunning,
  writeManifest,
  type RunningPod,
  usePodlet,
} from '../support/podlet-process.js';

const POD = `
apiVersion: v1
kind: Pod
metadata: { name: apartment }
spec:
  terminationGracePeriodSeconds: 2
  containers:
    - name: a
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'echo from-a > /www/index.html; exec httpd -f -p 127.0.0.1:8080 -h /www']
      volumeMounts: [{ name: shared, mountPath: /www }]
      resources: { limits: { cpu: 250m, memory: 64Mi } }
    - name: b
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'echo started-b; exec sleep 3600']
      volumeMounts: [{ name: shared, mountPath: /elsewhere/data }]
      resources: { requests: { cpu: 100m, memory: 16Mi }, limits: { cpu: 500m, memory: 32Mi } }
  volumes: [{ name: shared, emptyDir: {} }]
`;

describe('a two-container pod shares and isolates like a Kubernetes Pod', () => {
  const fx = usePodlet();
  let pod: RunningPod;
  const inA = (cmd: string) => execIn(fx.instance, containerId(pod, 'a'), ['sh', '-c', cmd]);
  const inB = (cmd: string) => execIn(fx.instance, containerId(pod, 'b'), ['sh', '-c', cmd]);

  before(async () => {
    await writeManifest(fx.instance, 'apartment.yaml', POD);
    pod = await waitRunning(fx.instance, 'apartment', ['a', 'b']);
  });

  test('containers reach each other on localhost', async () => {
    const r = await inB('wget -qO- http://127.0.0.1:8080/index.html');
    assert.equal(r.stdout.trim(), 'from-a', r.stderr);
  });

  test('both report the pod name as hostname', async () => {
    assert.equal((await inA('hostname')).stdout.trim(), `apartment-${NODE_NAME}`);
    assert.equal((await inB('hostname')).stdout.trim(), `apartment-${NODE_NAME}`);
  });

  test('a SysV semaphore created in one container is found in the other', async () => {
    assert.equal((await inB('podlet-testhelper sem-find 0x5eed')).exitCode, 1, 'absent before');
    const created = await inA('podlet-testhelper sem-create 0x5eed');
    assert.equal(created.exitCode, 0, created.stderr);
    const found = await inB('podlet-testhelper sem-find 0x5eed');
    assert.equal(found.exitCode, 0, found.stderr);
    assert.equal(found.stdout.trim(), created.stdout.trim());
  });

  test('a file in /dev/shm written by one container is read by the other', async () => {
    await inA('echo shm-note > /dev/shm/note');
    assert.equal((await inB('cat /dev/shm/note')).stdout.trim(), 'shm-note');
    assert.match((await inB('grep " /dev/shm " /proc/mounts')).stdout, /tmpfs/);
  });

  test('an emptyDir mounted at different paths is shared', async () => {
    await inB('echo from-b > /elsewhere/data/b.txt');
    assert.equal((await inA('cat /www/b.txt')).stdout.trim(), 'from-b');
  });

  test("a file in one container's root filesystem is invisible to the other", async () => {
    assert.equal((await inA('echo secret > /private-a && cat /private-a')).stdout.trim(), 'secret');
    assert.notEqual((await inB('test -e /private-a')).exitCode, 0);
  });

  test('each container has its own PID 1', async () => {
    assert.match((await inA('cat /proc/1/cmdline | tr "\\0" " "')).stdout, /^httpd /);
    assert.match((await inB('cat /proc/1/cmdline | tr "\\0" " "')).stdout, /^sleep 3600/);
    assert.doesNotMatch((await inA('ps -o args')).stdout, /sleep 3600/);
  });

  test('the pod shares one IP between its containers', async () => {
    const ip = (cmd: (c: string) => ReturnType<typeof inA>) =>
      cmd("ip -4 -o addr show eth0 | awk '{print $4}'");
    const a = (await ip(inA)).stdout.trim();
    assert.match(a, /^10\.\d+\.\d+\.\d+\/24$/);
    assert.equal((await ip(inB)).stdout.trim(), a);
    assert.equal(a.split('/')[0], pod.sandbox.ips[0]?.split('/')[0]);
  });

  test("cpu and memory cgroup values match the containers' limits", async () => {
    const values = async (name: string) => {
      const c = pod.containers.find((x) => x.name === name && x.state === 'running')!;
      const read = (ctl: string, file: string) =>
        readFile(`/sys/fs/cgroup/${ctl}${c.cgroupPath}/${file}`, 'utf8');
      return {
        shares: Number(await read('cpu', 'cpu.shares')),
        quota: Number(await read('cpu', 'cpu.cfs_quota_us')),
        period: Number(await read('cpu', 'cpu.cfs_period_us')),
        memory: Number(await read('memory', 'memory.limit_in_bytes')),
      };
    };
    // a: limits only, so requests default to limits: 250m -> 256 shares, quota 25000/100000, 64Mi.
    assert.deepEqual(await values('a'), {
      shares: 256,
      quota: 25000,
      period: 100000,
      memory: 64 * 1024 * 1024,
    });
    // b: request 100m -> 102 shares; limit 500m -> quota 50000; 32Mi.
    assert.deepEqual(await values('b'), {
      shares: 102,
      quota: 50000,
      period: 100000,
      memory: 32 * 1024 * 1024,
    });
  });

  test('containers write CRI-format logs at the kubelet-style path', async () => {
    const b = pod.containers.find((x) => x.name === 'b')!;
    assert.match(b.logPath, new RegExp(`/logs/default_apartment-${NODE_NAME}_[0-9a-f]+/b/0\\.log$`));
    const lines = (await readFile(b.logPath, 'utf8')).trim().split('\n');
    assert.match(lines[0] ?? '', /^\d{4}-\d\d-\d\dT\S+ stdout F started-b$/);
  });
});
