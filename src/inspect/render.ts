// The sharing report for people: a picture of the pod (its members as rooms, what they share as walls) and the
// tables behind it. Pure: the report in, text out.
import { NAMESPACE_TYPES, type MemberView, type NamespaceType, type SharingReport } from './types.js';

const ROOM_WIDTH = 24;

export function renderReport(report: SharingReport): string {
  return (
    [
      ...header(report),
      '',
      ...picture(report),
      '',
      ...namespaceTable(report),
      '',
      ...resourceTable(report),
      '',
      ...volumeTable(report),
    ].join('\n') + '\n'
  );
}

function header(report: SharingReport): string[] {
  const { pod } = report;
  const listening = report.listening.map((l) => `${l.protocol} ${l.address}:${l.port}`).join(', ');
  return [
    `Pod ${pod.namespace}/${pod.name} (uid ${pod.uid})   IP ${pod.ips.join(', ') || '-'}   hostname ${pod.hostname}`,
    `Listening in the pod's network namespace: ${listening || 'nothing'}`,
  ];
}

/** Namespace types every running member is in together, apart from the node's. */
function sharedByAll(members: MemberView[]): NamespaceType[] {
  const running = members.filter((m) => m.namespaces);
  return NAMESPACE_TYPES.filter((type) => {
    const views = running.map((m) => m.namespaces?.[type]);
    return (
      running.length > 1 && new Set(views.map((v) => v?.inode)).size === 1 && views[0]?.sharing !== 'host'
    );
  });
}

/** Namespace types every running member keeps from the node. */
function fromTheNode(members: MemberView[]): NamespaceType[] {
  const running = members.filter((m) => m.namespaces);
  return NAMESPACE_TYPES.filter(
    (type) => running.length > 0 && running.every((m) => m.namespaces?.[type].sharing === 'host'),
  );
}

function picture(report: SharingReport): string[] {
  const running = report.members.filter((m) => m.namespaces);
  const shared = sharedByAll(report.members);
  const rooms = running.map((m) => room(m, shared));
  const height = Math.max(0, ...rooms.map((r) => r.length));
  const lines = [
    `Shared by every running member (the walls of the apartment): ${shared.join(' ') || 'nothing'}`,
    `The node's own, not the pod's: ${fromTheNode(report.members).join(' ') || 'nothing'}`,
  ];
  for (let i = 0; i < height; i++) lines.push(rooms.map((r) => r[i] ?? ' '.repeat(ROOM_WIDTH + 2)).join(' '));
  for (const v of report.volumes.filter((v) => v.mountedBy.length > 1 || !v.volume.startsWith('('))) {
    const who = v.mountedBy
      .map((b) => `${b.container} ${b.readOnly ? 'ro' : 'rw'} ${b.destination}`)
      .join('  ·  ');
    lines.push(`Volume ${v.volume}: ${who}`);
  }
  return lines;
}

/** One member as a box: its name, process, what it keeps to itself, and its limits. */
function room(m: MemberView, shared: NamespaceType[]): string[] {
  const own = NAMESPACE_TYPES.filter((t) => !shared.includes(t) && m.namespaces?.[t].sharing === 'private');
  const partly = NAMESPACE_TYPES.filter((t) => !shared.includes(t) && m.namespaces?.[t].sharing === 'shared');
  const memory = m.cgroup
    ? `mem ${mib(m.cgroup.memory.usageBytes)}/${limit(m.cgroup.memory.limitBytes)}`
    : '';
  const body = [
    `${m.kind} pid ${m.pid ?? '-'}`,
    `own: ${own.join(' ') || '-'}`,
    ...(partly.length ? [`shares: ${partly.join(' ')}`] : []),
    memory,
    `oom_score_adj ${m.oomScoreAdj ?? '-'}`,
  ].filter((line) => line !== '');
  const title = `─ ${m.name} `.padEnd(ROOM_WIDTH, '─').slice(0, ROOM_WIDTH);
  return [
    `┌${title}┐`,
    ...body.map((line) => `│${` ${line}`.padEnd(ROOM_WIDTH).slice(0, ROOM_WIDTH)}│`),
    `└${'─'.repeat(ROOM_WIDTH)}┘`,
  ];
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)}Mi`;
}

function limit(bytes: number): string {
  return bytes < 0 ? 'no limit' : mib(bytes);
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

function namespaceTable(report: SharingReport): string[] {
  return table(
    ['MEMBER', 'KIND', 'STATE', 'PID', ...NAMESPACE_TYPES.map((t) => t.toUpperCase())],
    report.members.map((m) => [
      m.name,
      m.kind,
      m.state,
      String(m.pid ?? '-'),
      ...NAMESPACE_TYPES.map((t) => m.namespaces?.[t].sharing ?? '-'),
    ]),
  );
}

function resourceTable(report: SharingReport): string[] {
  return table(
    ['MEMBER', 'CPU', 'MEMORY (USED/LIMIT)', 'PIDS (USED/LIMIT)', 'OOM_SCORE_ADJ', 'CGROUP'],
    report.members.map((m) => {
      const c = m.cgroup;
      if (!c) return [m.name, '-', '-', '-', String(m.oomScoreAdj ?? '-'), '-'];
      const quota = c.cpu.quotaMicros > 0 ? ` quota ${c.cpu.quotaMicros}/${c.cpu.periodMicros}us` : '';
      const weight = c.cpu.shares !== undefined ? `shares ${c.cpu.shares}` : `weight ${c.cpu.weight ?? '-'}`;
      const pids = `${c.pids.current}/${c.pids.limit < 0 ? 'no limit' : c.pids.limit}`;
      return [
        m.name,
        `${weight}${quota}`,
        `${mib(c.memory.usageBytes)}/${limit(c.memory.limitBytes)}`,
        pids,
        String(m.oomScoreAdj ?? '-'),
        c.path,
      ];
    }),
  );
}

function volumeTable(report: SharingReport): string[] {
  return table(
    ['VOLUME', 'MOUNTED BY', 'SOURCE'],
    report.volumes.map((v) => [
      v.volume,
      v.mountedBy.map((b) => `${b.container}:${b.destination}${b.readOnly ? ' (ro)' : ''}`).join(', '),
      v.source,
    ]),
  );
}
