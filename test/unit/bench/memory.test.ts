import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  perPodMegabytes,
  podOverhead,
  pssKb,
  readProcesses,
  type HostProcess,
} from '../../../bench/memory.js';

const proc = (pid: number, ppid: number, comm: string, cmdline: string, pssKb: number, cgroup = ''): HostProcess => ({
  pid, ppid, comm, cmdline, cgroup, pssKb,
}); // prettier-ignore

test('a node is charged for its own conmons and the catatonit under them, not for the containers', () => {
  const table = [
    proc(10, 1, 'conmon', 'conmon --runtime-arg --root=/tmp/podlet-it-a/runc', 1000),
    proc(11, 10, 'catatonit', '/catatonit -P', 200),
    proc(12, 1, 'conmon', 'conmon --runtime-arg --root=/tmp/podlet-it-a/runc', 1100),
    proc(13, 12, 'sleep', 'sleep 3600', 300),
    proc(20, 1, 'conmon', 'conmon -b /tmp/other/containers', 900),
    proc(21, 20, 'catatonit', '/catatonit -P', 250),
    proc(30, 1, 'catatonit', '/usr/bin/catatonit -- sh', 99),
  ];
  assert.deepEqual(podOverhead(table, '/tmp/podlet-it-a/'), {
    conmonKb: 2100,
    pauseKb: 200,
    conmons: 2,
    pauses: 1,
  });
});

test("podlet's pause processes, which no conmon supervises, are found by the node's cgroup parent", () => {
  const table = [
    proc(10, 1, 'conmon', 'conmon --runtime-arg --root=/tmp/podlet-it-a/runc', 1000),
    proc(11, 1, 'catatonit', '/catatonit -P', 200, '4:memory:/podlet-it-a/besteffort/podu1/s1\n'),
    proc(12, 1, 'catatonit', '/catatonit -P', 250, '4:memory:/podlet-it-b/besteffort/podu2/s2\n'),
    proc(13, 10, 'catatonit', '/catatonit -P', 99, '4:memory:/other/x\n'),
  ];
  assert.deepEqual(podOverhead(table, '/tmp/podlet-it-a/', 'podlet-it-a'), {
    conmonKb: 1000,
    pauseKb: 200,
    conmons: 1,
    pauses: 1,
  });
});

test('memory per pod divides the processes and the daemon growth by the number of pods', () => {
  const overhead = { conmonKb: 3 * 1024 * 10, pauseKb: 512 * 10, conmons: 30, pauses: 10 };
  const podlet = perPodMegabytes(overhead, 10, 2048 * 10);
  assert.deepEqual(podlet.parts, { conmon: 3, pause: 0.5, daemon: 2 });
  assert.equal(podlet.total, 5.5);
  assert.deepEqual(Object.keys(perPodMegabytes(overhead, 10).parts), ['conmon', 'pause']);
});

test('the process table of this host holds this process with its PSS', async () => {
  const self = (await readProcesses()).find((p) => p.pid === process.pid);
  assert.ok(self, 'this process is listed');
  assert.equal(self.ppid, process.ppid);
  assert.ok(self.pssKb > 0);
  assert.ok((await pssKb(process.pid)) > 0);
});
