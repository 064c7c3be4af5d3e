import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderReport } from '../../../src/inspect/render.js';
import type { MemberView, NamespaceType, NamespaceView, SharingReport } from '../../../src/inspect/types.js';

function namespaces(
  own: Partial<Record<NamespaceType, number>>,
  host: NamespaceType[],
): Record<NamespaceType, NamespaceView> {
  const view = (type: NamespaceType, inode: number): NamespaceView => ({
    inode,
    sharing: host.includes(type) ? 'host' : own[type] !== undefined ? 'private' : 'shared',
    with: [],
  });
  const shared = { net: 1, ipc: 2, uts: 3, pid: 4, mnt: 5, cgroup: 6, user: 7 };
  return Object.fromEntries(
    (Object.keys(shared) as NamespaceType[]).map((t) => [t, view(t, own[t] ?? shared[t])]),
  ) as Record<NamespaceType, NamespaceView>;
}

function member(
  name: string,
  kind: MemberView['kind'],
  own: Partial<Record<NamespaceType, number>>,
): MemberView {
  return {
    name,
    kind,
    id: name,
    state: 'running',
    pid: 100,
    namespaces: namespaces(own, ['cgroup', 'user']),
    oomScoreAdj: 998,
    cgroup: {
      path: `/podlet/${name}`,
      cpu: { shares: 2, quotaMicros: -1, periodMicros: 100000, usageNanos: '0' },
      memory: { limitBytes: 64 * 1048576, usageBytes: 1048576, workingSetBytes: 1048576 },
      pids: { limit: -1, current: 1 },
    },
    mounts: [],
  };
}

const report: SharingReport = {
  pod: { namespace: 'default', name: 'web', uid: 'u1', ips: ['10.85.0.2'], hostname: 'web' },
  listening: [{ protocol: 'tcp', address: '127.0.0.1', port: 8080 }],
  members: [
    member('(pause)', 'pause', { pid: 40, mnt: 50 }),
    member('server', 'regular', { pid: 41, mnt: 51 }),
  ],
  volumes: [
    {
      volume: 'shared',
      source: '/var/lib/podlet/pods/u1/volumes/kubernetes.io~empty-dir/shared',
      mountedBy: [{ container: 'server', destination: '/www', readOnly: false }],
    },
  ],
};

describe('the sharing report for people', () => {
  const text = renderReport(report);

  test('names the walls: what every member shares, apart from what is the node’s', () => {
    assert.match(text, /^Shared by every running member \(the walls of the apartment\): net ipc uts$/m);
    assert.match(text, /^The node's own, not the pod's: cgroup user$/m);
    assert.match(text, /^Listening in the pod's network namespace: tcp 127\.0\.0\.1:8080$/m);
  });

  test('draws each member as a room with what it keeps to itself', () => {
    assert.match(text, /┌─ server ─+┐/);
    assert.match(text, /│ own: pid mnt +│/);
    assert.match(text, /│ mem 1\.0Mi\/64\.0Mi +│/);
  });

  test('tables the namespaces, the cgroups and the volumes', () => {
    assert.match(
      text,
      /^server +regular +running +100 +shared +shared +shared +private +private +host +host$/m,
    );
    assert.match(text, /^server +shares 2 +1\.0Mi\/64\.0Mi +1\/no limit +998 +\/podlet\/server$/m);
    assert.match(
      text,
      /^shared +server:\/www +\/var\/lib\/podlet\/pods\/u1\/volumes\/kubernetes\.io~empty-dir\/shared$/m,
    );
  });
});
