// The sharing report (src/inspect/types.ts) as a floor plan: each member of the pod is a room, the namespaces all
// of them share are the apartment's outer walls (one band each), and each volume is a corridor under the rooms
// with a door into every room that mounts it. Pure geometry, drawn by sharing-picture.tsx.
import type { MemberView, NamespaceType, SharingReport } from '../../src/inspect/types.js';

export interface Wall {
  namespace: NamespaceType;
  /** The node's own namespace (hostNetwork, ...): the pod has no wall of its own there. */
  host: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Room {
  name: string;
  kind: MemberView['kind'];
  state: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Namespaces that are not an outer wall, as `pid: own`, `pid: with app`, `user: host`. */
  notes: string[];
}

export interface Door {
  x: number;
  /** Where the door opens: the bottom wall of its room. */
  y: number;
  room: string;
  destination: string;
  readOnly: boolean;
}

export interface Corridor {
  volume: string;
  y: number;
  x1: number;
  x2: number;
  doors: Door[];
}

export interface FloorPlan {
  width: number;
  height: number;
  /** Namespaces every process shares with the node itself (hostNetwork, the host's user namespace, ...). */
  hostShared: NamespaceType[];
  /** Files podlet gives every container (`(hosts file)`, `(resolv.conf)`, ...): listed, not drawn. */
  podFiles: string[];
  /** Inside the innermost wall. */
  floor: { x: number; y: number; width: number; height: number };
  walls: Wall[];
  rooms: Room[];
  corridors: Corridor[];
}

export const WALL = 14;
export const ROOM_WIDTH = 170;
export const ROOM_HEIGHT = 120;
const ROOM_GAP = 10;
const CORRIDOR_GAP = 26;
const MARGIN = 8;
const DOOR_INSET = 16;

/** The namespace types every member with a namespace view shares: one inode, not private (maybe the node's). */
export function sharedNamespaces(members: readonly MemberView[]): { type: NamespaceType; host: boolean }[] {
  const seen = members.filter((m) => m.namespaces !== undefined);
  if (seen.length < 2) return [];
  const types = Object.keys(seen[0]?.namespaces ?? {}) as NamespaceType[];
  return types
    .filter((t) => {
      const views = seen.map((m) => m.namespaces?.[t]);
      return views.every((v) => v !== undefined && v.sharing !== 'private' && v.inode === views[0]?.inode);
    })
    .map((t) => ({ type: t, host: seen[0]?.namespaces?.[t].sharing === 'host' }));
}

function roomNotes(member: MemberView, walls: ReadonlySet<NamespaceType>): string[] {
  if (member.namespaces === undefined) return ['not running'];
  return Object.entries(member.namespaces)
    .filter(([type]) => !walls.has(type as NamespaceType))
    .map(([type, view]) => {
      if (view.sharing === 'host') return `${type}: host`;
      if (view.sharing === 'private') return `${type}: own`;
      return `${type}: with ${view.with.join(', ')}`;
    });
}

/** podlet's own mounts are named in parentheses; pod volumes by their name in the spec. */
function isPodFile(volume: string): boolean {
  return volume.startsWith('(');
}

export function layoutFloorPlan(report: SharingReport): FloorPlan {
  const allShared = sharedNamespaces(report.members);
  const shared = allShared.filter((s) => !s.host);
  const hostShared = allShared.filter((s) => s.host).map((s) => s.type);
  const wallTypes = new Set(allShared.map((s) => s.type));
  const thickness = shared.length * WALL;
  const inner = MARGIN + thickness;
  const rooms: Room[] = report.members.map((m, i) => ({
    name: m.name,
    kind: m.kind,
    state: m.state,
    x: inner + ROOM_GAP + i * (ROOM_WIDTH + ROOM_GAP),
    y: inner + ROOM_GAP,
    width: ROOM_WIDTH,
    height: ROOM_HEIGHT,
    notes: roomNotes(m, wallTypes),
  }));
  const roomsBottom = inner + ROOM_GAP + ROOM_HEIGHT;
  const left = new Map(rooms.map((r) => [r.name, r.x]));
  const volumes = report.volumes.filter((v) => v.mountedBy.length > 0 && !isPodFile(v.volume));
  // Each volume has its own place along a room's bottom wall, so no two doors (and their passages) overlap.
  const doorStep = (ROOM_WIDTH - 2 * DOOR_INSET) / Math.max(1, volumes.length - 1);
  const corridors: Corridor[] = volumes
    .map((v, i) => {
      const doors = v.mountedBy
        .filter((m) => left.has(m.container))
        .map((m) => ({
          x:
            (left.get(m.container) ?? 0) +
            DOOR_INSET +
            (volumes.length === 1 ? ROOM_WIDTH / 2 - DOOR_INSET : i * doorStep),
          y: roomsBottom,
          room: m.container,
          destination: m.destination,
          readOnly: m.readOnly,
        }));
      const xs = doors.map((d) => d.x);
      return {
        volume: v.volume,
        y: roomsBottom + CORRIDOR_GAP * (i + 1),
        x1: Math.min(...xs) - DOOR_INSET,
        x2: Math.max(...xs) + DOOR_INSET,
        doors,
      };
    })
    .filter((c) => c.doors.length > 0);
  const innerWidth = ROOM_GAP + rooms.length * (ROOM_WIDTH + ROOM_GAP);
  const innerHeight = ROOM_GAP + ROOM_HEIGHT + CORRIDOR_GAP * (corridors.length + 1) - ROOM_GAP;
  const walls: Wall[] = shared.map((s, i) => ({
    namespace: s.type,
    host: s.host,
    x: MARGIN + i * WALL,
    y: MARGIN + i * WALL,
    width: innerWidth + 2 * (thickness - i * WALL),
    height: innerHeight + 2 * (thickness - i * WALL),
  }));
  return {
    width: innerWidth + 2 * inner,
    height: innerHeight + 2 * inner,
    hostShared,
    podFiles: report.volumes.filter((v) => isPodFile(v.volume)).map((v) => v.volume),
    floor: { x: inner, y: inner, width: innerWidth, height: innerHeight },
    walls,
    rooms,
    corridors,
  };
}
