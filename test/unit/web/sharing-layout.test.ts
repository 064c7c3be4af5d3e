import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MemberView, NamespaceType, NamespaceView, SharingReport } from '../../../src/inspect/types.js';
import { layoutFloorPlan, sharedNamespaces } from '../../../web/src/sharing-layout.js';

function ns(inode: number, sharing: NamespaceView['sharing'], other: string[] = []): NamespaceView {
  return { inode, sharing, with: other };
}

/** A member in the pod's net/ipc/uts, its own pid and mnt, and the node's cgroup and user namespaces. */
function member(name: string, pid: number, kind: MemberView['kind'] = 'regular'): MemberView {
  const namespaces: Record<NamespaceType, NamespaceView> = {
    net: ns(100, 'shared'),
    ipc: ns(101, 'shared'),
    uts: ns(102, 'shared'),
    pid: ns(pid, 'private'),
    mnt: ns(pid + 1, 'private'),
    cgroup: ns(1, 'host'),
    user: ns(2, 'host'),
  };
  return { name, kind, id: name, state: 'running', pid, namespaces, mounts: [] };
}

function report(members: MemberView[], volumes: SharingReport['volumes'] = []): SharingReport {
  const pod = { namespace: 'default', name: 'web', uid: 'u', ips: [], hostname: 'web' };
  return { pod, listening: [], members, volumes };
}

describe('the sharing floor plan', () => {
  test('makes the namespaces the pod shares its outer walls and the node shared ones a note', () => {
    const plan = layoutFloorPlan(
      report([member('(pause)', 10, 'pause'), member('app', 20), member('log', 30)]),
    );
    assert.deepEqual(
      plan.walls.map((w) => w.namespace),
      ['net', 'ipc', 'uts'],
    );
    assert.deepEqual(plan.hostShared, ['cgroup', 'user']);
    assert.deepEqual(plan.rooms.find((r) => r.name === 'app')?.notes, ['pid: own', 'mnt: own']);
  });

  test('nests each wall inside the one before it and every room inside the innermost', () => {
    const plan = layoutFloorPlan(report([member('(pause)', 10, 'pause'), member('app', 20)]));
    for (const [outer, inner] of plan.walls.slice(0, -1).map((w, i) => [w, plan.walls[i + 1]!] as const)) {
      assert.ok(inner.x > outer.x && inner.x + inner.width < outer.x + outer.width);
      assert.ok(inner.y > outer.y && inner.y + inner.height < outer.y + outer.height);
    }
    for (const room of plan.rooms) {
      assert.ok(room.x >= plan.floor.x && room.x + room.width <= plan.floor.x + plan.floor.width);
      assert.ok(room.y >= plan.floor.y && room.y + room.height <= plan.floor.y + plan.floor.height);
    }
    const [a, b] = plan.rooms;
    assert.ok(a && b && a.x + a.width < b.x, 'rooms stand side by side');
  });

  test('draws a shared volume as a corridor with a door into each room that mounts it', () => {
    const volumes = [
      {
        volume: 'scratch',
        source: '/x',
        mountedBy: [
          { container: 'app', destination: '/data', readOnly: false },
          { container: 'log', destination: '/logs', readOnly: true },
        ],
      },
      {
        volume: '(hosts file)',
        source: '/h',
        mountedBy: [{ container: 'app', destination: '/etc/hosts', readOnly: false }],
      },
    ];
    const plan = layoutFloorPlan(report([member('app', 20), member('log', 30)], volumes));
    assert.deepEqual(
      plan.corridors.map((c) => c.volume),
      ['scratch'],
    );
    assert.deepEqual(plan.podFiles, ['(hosts file)']);
    const doors = plan.corridors[0]?.doors ?? [];
    for (const door of doors) {
      const room = plan.rooms.find((r) => r.name === door.room)!;
      assert.ok(door.x > room.x && door.x < room.x + room.width, `${door.room}'s door is in its room`);
      assert.equal(door.y, room.y + room.height);
    }
    assert.deepEqual(
      doors.map((d) => d.readOnly),
      [false, true],
    );
  });

  test('counts a namespace as shared only when every running member is in the same one', () => {
    const app = member('app', 20);
    const shell = member('shell', 30);
    shell.namespaces!.pid = ns(20, 'shared', ['app']);
    app.namespaces!.pid = ns(20, 'shared', ['shell']);
    const other = member('other', 40);
    assert.ok(sharedNamespaces([app, shell]).some((s) => s.type === 'pid'));
    assert.ok(!sharedNamespaces([app, shell, other]).some((s) => s.type === 'pid'));
    const stopped: MemberView = { name: 'done', kind: 'init', id: 'd', state: 'exited', mounts: [] };
    assert.ok(
      sharedNamespaces([app, shell, stopped]).some((s) => s.type === 'pid'),
      'a stopped member has no say',
    );
    assert.deepEqual(sharedNamespaces([app]), [], 'one process shares nothing');
  });
});
