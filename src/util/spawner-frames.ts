// The wire format of native/spawner (described in native/spawner/spawner.h): requests framed for its stdin,
// answers split from its stdout. Kept apart from spawner.ts, which owns the process and the calls.
/** The spawner's answer to a call: the program's end, or the line it reported on its sync pipe. */
export type Answer =
  { kind: 'exit'; status: number; stdout: string; stderr: string } | { kind: 'sync'; line: string };

export interface SpawnRequest {
  flags: number;
  stderrFile: string;
  cwd: string;
  file: string;
  argv: readonly string[];
  env: readonly string[];
  input: Buffer;
}

// Frame types and spawn flags of the protocol described in native/spawner/spawner.h.
const REQ_SPAWN = 1;
const REQ_KILL = 2;
export const RESP_EXIT = 3;
export const RESP_ERROR = 4;
export const RESP_SYNC = 5;
export const SPAWN_NULL_STDIO = 1;
export const SPAWN_SYNC_PIPE = 2;
export const SPAWN_NEW_SESSION = 4;

/** Splits the response stream into frame bodies: a chunk may hold part of a frame, or several. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.chunks[0] && this.chunks[0].length >= 4 ? this.chunks[0] : this.flatten();
      const total = 4 + head.readUInt32LE(0);
      if (this.buffered < total) break;
      const all = this.flatten();
      frames.push(all.subarray(4, total));
      this.chunks = all.length > total ? [all.subarray(total)] : [];
      this.buffered -= total;
    }
    return frames;
  }

  // Joining only once a frame is complete keeps a multi-megabyte output from being copied at every chunk.
  private flatten(): Buffer {
    const all = this.chunks.length === 1 && this.chunks[0] ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [all];
    return all;
  }
}

export function parseAnswer(type: typeof RESP_EXIT | typeof RESP_SYNC, frame: Buffer): Answer {
  if (type === RESP_SYNC) return { kind: 'sync', line: readBytes(frame, 5).toString() };
  const stdout = readBytes(frame, 9);
  const stderr = readBytes(frame, 9 + 4 + stdout.length);
  return { kind: 'exit', status: frame.readInt32LE(5), stdout: stdout.toString(), stderr: stderr.toString() };
}

export function readBytes(frame: Buffer, offset: number): Buffer {
  const length = frame.readUInt32LE(offset);
  return frame.subarray(offset + 4, offset + 4 + length);
}

export function encodeSpawn(id: number, request: SpawnRequest): Buffer {
  const strings = (list: readonly string[]): Buffer[] => list.map((s) => Buffer.from(s));
  const stderrFile = Buffer.from(request.stderrFile);
  const cwd = Buffer.from(request.cwd);
  const file = Buffer.from(request.file);
  const argv = strings(request.argv);
  const env = strings(request.env);
  const sized = (list: Buffer[]): number => list.reduce((n, b) => n + 4 + b.length, 4);
  const body =
    1 +
    4 +
    4 +
    4 +
    stderrFile.length +
    4 +
    cwd.length +
    4 +
    file.length +
    sized(argv) +
    sized(env) +
    4 +
    request.input.length;
  const frame = Buffer.allocUnsafe(4 + body);
  let at = frame.writeUInt32LE(body, 0);
  at = frame.writeUInt8(REQ_SPAWN, at);
  at = frame.writeUInt32LE(id, at);
  at = frame.writeUInt32LE(request.flags, at);
  const put = (b: Buffer): void => {
    at = frame.writeUInt32LE(b.length, at);
    at += b.copy(frame, at);
  };
  const putList = (list: Buffer[]): void => {
    at = frame.writeUInt32LE(list.length, at);
    list.forEach(put);
  };
  put(stderrFile);
  put(cwd);
  put(file);
  putList(argv);
  putList(env);
  put(request.input);
  return frame;
}

export function encodeKill(id: number, signal: number): Buffer {
  const frame = Buffer.allocUnsafe(4 + 9);
  frame.writeUInt32LE(9, 0);
  frame.writeUInt8(REQ_KILL, 4);
  frame.writeUInt32LE(id, 5);
  frame.writeUInt32LE(signal, 9);
  return frame;
}
