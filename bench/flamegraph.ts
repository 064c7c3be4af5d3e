// Reading a V8 CPU profile (`node --cpu-prof`, the .cpuprofile JSON): the frames with most self time, and a flame
// graph as hand-written SVG (root at the bottom, each frame as wide as the time spent in it and its callees).
import { escapeXml } from './chart.js';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds of the monotonic clock (process.hrtime) at the first sample's delta. */
  startTime: number;
  samples: number[];
  /** Microseconds before each sample. */
  timeDeltas: number[];
}

export interface FrameTime {
  frame: string;
  /** Milliseconds spent in the frame itself. */
  selfMs: number;
  /** Share of the profile's busy (not idle) time. */
  share: number;
}

interface Tree {
  frame: string;
  totalMs: number;
  children: Tree[];
}

const WIDTH = 1200;
const FRAME_HEIGHT = 16;
/** Frames narrower than this many pixels are not drawn: they could not be read. */
const MIN_PX = 0.8;

/** `functionName file:line`, with the path cut to what follows the repo's dist/ or node_modules/. */
export function frameName(node: CpuProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  const file = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/(dist|node_modules)\//, (_, dir: string) =>
      dir === 'node_modules' ? 'node_modules/' : '',
    );
  return `${name} ${file}:${lineNumber + 1}`;
}

/** The samples taken between two instants of the monotonic clock, in microseconds, as a profile of its own. */
export function sliceProfile(profile: CpuProfile, fromUs: number, toUs: number): CpuProfile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) return;
    samples.push(id);
    timeDeltas.push(delta);
  });
  return { nodes: profile.nodes, startTime: fromUs, samples, timeDeltas };
}

/** Self time per node id, in milliseconds. */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  return self;
}

/** The `limit` frames with most self time, summed over every place they are called from; idle time left out. */
export function topSelfFrames(profile: CpuProfile, limit: number): FrameTime[] {
  const self = selfTimes(profile);
  const byFrame = new Map<string, number>();
  for (const node of profile.nodes) {
    const frame = frameName(node);
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + (self.get(node.id) ?? 0));
  }
  byFrame.delete('(idle)');
  const busy = [...byFrame.values()].reduce((a, b) => a + b, 0);
  return [...byFrame.entries()]
    .map(([frame, selfMs]) => ({ frame, selfMs, share: busy === 0 ? 0 : selfMs / busy }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, limit);
}

/**
 * Where the self time of the frames matching `pattern` comes from: each sample charged to the nearest caller in
 * podlet's own code (a `src/` frame, past the wrappers of `src/util/`), the `limit` largest.
 */
export function topCallers(profile: CpuProfile, pattern: RegExp, limit: number): FrameTime[] {
  const self = selfTimes(profile);
  const parent = new Map<number, CpuProfileNode>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node);
  const byCaller = new Map<string, number>();
  let matched = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0 || !pattern.test(frameName(node))) continue;
    matched += ms;
    let caller = parent.get(node.id);
    while (caller && !/ src\/(?!util\/)/.test(frameName(caller))) caller = parent.get(caller.id);
    const frame = caller ? frameName(caller) : '(no caller in src/ outside src/util/)';
    byCaller.set(frame, (byCaller.get(frame) ?? 0) + ms);
  }
  return [...byCaller.entries()]
    .map(([frame, selfMs]) => ({ frame, selfMs, share: matched === 0 ? 0 : selfMs / matched }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, limit);
}

/** The call tree with each node's total time (its own and its callees'), idle time left out. */
export function callTree(profile: CpuProfile): Tree {
  const self = selfTimes(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const childIds = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const build = (node: CpuProfileNode): Tree => {
    const children = (node.children ?? [])
      .map((id) => byId.get(id))
      .filter((c): c is CpuProfileNode => c !== undefined && c.callFrame.functionName !== '(idle)')
      .map(build);
    const totalMs = (self.get(node.id) ?? 0) + children.reduce((a, c) => a + c.totalMs, 0);
    return { frame: frameName(node), totalMs, children: children.sort((a, b) => b.totalMs - a.totalMs) };
  };
  const root = profile.nodes.find((n) => !childIds.has(n.id));
  if (!root) throw new Error('the profile has no root node');
  return build(root);
}

function depth(tree: Tree, px: number, msPerPx: number): number {
  if (px < MIN_PX) return 0;
  return 1 + Math.max(0, ...tree.children.map((c) => depth(c, c.totalMs / msPerPx, msPerPx)));
}

/** Podlet's own code blue, its libraries orange, Node's internals grey, V8's pseudo-frames red. */
function color(frame: string): string {
  const hue = [...frame].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 997, 7) % 20;
  if (/ (src|bench)\//.test(frame)) return `hsl(${205 + hue},60%,${62 + (hue % 10)}%)`;
  if (frame.includes('node_modules/')) return `hsl(${30 + hue},75%,${60 + (hue % 10)}%)`;
  if (frame.includes('node:')) return `hsl(0,0%,${70 + (hue % 15)}%)`;
  return `hsl(${hue},70%,65%)`;
}

export function renderFlameGraph(profile: CpuProfile, caption: string): string {
  const tree = callTree(profile);
  const msPerPx = tree.totalMs / WIDTH || 1;
  const rows = depth(tree, WIDTH, msPerPx);
  const height = rows * FRAME_HEIGHT + 40;
  const out: string[] = [];
  const draw = (node: Tree, x: number, level: number): void => {
    const w = node.totalMs / msPerPx;
    if (w < MIN_PX) return;
    const y = height - 10 - (level + 1) * FRAME_HEIGHT;
    const label = `${node.frame} (${node.totalMs.toFixed(0)} ms, ${((node.totalMs / tree.totalMs) * 100).toFixed(1)} %)`;
    out.push(
      `<g><title>${escapeXml(label)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${FRAME_HEIGHT - 1}" fill="${color(node.frame)}"/>` +
        (w > 40
          ? `<text x="${(x + 3).toFixed(1)}" y="${y + 11}">${escapeXml(fit(node.frame, w))}</text>`
          : '') +
        '</g>',
    );
    let childX = x;
    for (const child of node.children) {
      draw(child, childX, level + 1);
      childX += child.totalMs / msPerPx;
    }
  };
  draw(tree, 0, 0);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="monospace" font-size="10">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="4" y="16" font-family="sans-serif" font-size="13">${escapeXml(caption)}</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

/** The text cut to what fits in `px` pixels of 10-pixel monospace (6 pixels a character). */
function fit(text: string, px: number): string {
  const chars = Math.floor((px - 6) / 6);
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}
