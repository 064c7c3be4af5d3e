import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import {
  CommandError,
  commandLine,
  DEFAULT_TIMEOUT_MS,
  timeoutError,
  type RunOptions,
  type RunResult,
} from './command.js';

/** What a started program's call waits for: exactly one of these is called, once. */
interface CallHandlers {
  exited(status: number, stdout: string, stderr: string): void;
  failed(error: Error): void;
}

interface SpawnRequest {
  flags: number;
  cwd: string;
  file: string;
  argv: readonly string[];
  env: readonly string[];
  input: Buffer;
}

// Frame types of native/spawner.c; the protocol is described at the top of that file.
const REQ_SPAWN = 1;
const REQ_KILL = 2;
const RESP_EXIT = 3;
const RESP_ERROR = 4;
const SPAWN_NULL_STDIO = 1;
const errnoNames = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/**
 * Starts programs through native/spawner, one small long-lived process, so that the caller never forks: Node 20's
 * spawn forks the whole daemon and blocks its event loop until the child has exec'd. Results match Node's spawn
 * as src/util/exec.ts used it. If the spawner dies, pending calls reject and the next call starts a new one.
 */
export class Spawner {
  private connection: Connection | undefined;
  private nextId = 1;

  private constructor(private readonly binary: string) {}

  static start(binary: string): Spawner {
    const spawner = new Spawner(binary);
    spawner.connect();
    return spawner;
  }

  /** The spawner process's PID, while one runs. */
  get pid(): number | undefined {
    return this.connection?.pid;
  }

  run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const command = commandLine(file, args);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(command, signal));
        return;
      }
      const request = spawnRequest(file, args, options);
      const connection = this.connect();
      const id = this.allocateId(connection);
      let settled = false;
      let timedOut = false;
      const settle = (finish: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      const onAbort = (): void => {
        connection.kill(id, constants.signals.SIGKILL);
        settle(() => reject(abortError(command, signal as AbortSignal)));
      };
      const timer = setTimeout(() => {
        timedOut = true;
        connection.kill(id, constants.signals.SIGKILL);
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      connection.start(id, request, {
        exited: (exitCode, stdout, stderr) =>
          settle(() =>
            timedOut
              ? reject(timeoutError(command, timeoutMs, stderr))
              : resolve({ stdout, stderr, exitCode }),
          ),
        failed: (error) =>
          settle(() => reject(new CommandError(command, null, error.message, { cause: error }))),
      });
    });
  }

  /** Ends the spawner (it exits when its request pipe closes); pending calls reject. */
  close(): void {
    this.connection?.close(new Error('spawner closed'));
    this.connection = undefined;
  }

  private connect(): Connection {
    if (!this.connection) {
      const connection = new Connection(this.binary, () => {
        if (this.connection === connection) this.connection = undefined;
      });
      this.connection = connection;
    }
    return this.connection;
  }

  private allocateId(connection: Connection): number {
    do this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    while (connection.has(this.nextId));
    return this.nextId;
  }
}

/** One running spawner process: frames requests into its stdin, parses responses from its stdout. */
class Connection {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly calls = new Map<number, CallHandlers>();
  private readonly reader = new FrameReader();
  private lost = false;

  constructor(
    binary: string,
    private readonly onLost: () => void,
  ) {
    this.child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.on('error', (e) => this.close(new Error(`spawner ${binary}: ${e.message}`, { cause: e })));
    // 'close' comes after 'exit' and after the last response was read, so no answered call is failed.
    this.child.on('close', (code, signal) =>
      this.close(new Error(`spawner ${binary} exited (${signal ?? `code ${code}`})`)),
    );
    this.child.stdout.on('data', (chunk: Buffer) => {
      for (const frame of this.reader.push(chunk)) this.dispatch(frame);
    });
    // A spawner whose pipes broke is of no use: killing it turns the breakage into its exit, which names the cause.
    this.child.stdout.on('close', () => this.child.kill('SIGKILL'));
    this.child.stdin.on('error', () => this.child.kill('SIGKILL'));
    this.setIdle(true);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  has(id: number): boolean {
    return this.calls.has(id);
  }

  start(id: number, request: SpawnRequest, handlers: CallHandlers): void {
    if (this.lost) {
      handlers.failed(new Error('spawner is gone'));
      return;
    }
    if (this.calls.size === 0) this.setIdle(false);
    this.calls.set(id, handlers);
    this.child.stdin.write(encodeSpawn(id, request));
  }

  kill(id: number, signal: number): void {
    if (this.calls.has(id) && !this.lost) this.child.stdin.write(encodeKill(id, signal));
  }

  close(reason: Error): void {
    if (this.lost) return;
    this.lost = true;
    this.onLost();
    this.child.stdin.destroy();
    this.setIdle(true);
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.failed(reason);
  }

  private dispatch(frame: Buffer): void {
    const type = frame.readUInt8(0);
    const id = frame.readUInt32LE(1);
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    if (this.calls.size === 0) this.setIdle(true);
    if (type === RESP_EXIT) {
      const stdout = readBytes(frame, 9);
      const stderr = readBytes(frame, 9 + 4 + stdout.length);
      call.exited(frame.readInt32LE(5), stdout.toString(), stderr.toString());
    } else if (type === RESP_ERROR) {
      call.failed(spawnError(frame.readInt32LE(5), readBytes(frame, 9).toString()));
    } else {
      this.close(new Error(`spawner sent an unknown response type ${type}`));
    }
  }

  // The spawner must never keep a CLI or test process alive by itself; a pending call must, until it is answered.
  private setIdle(idle: boolean): void {
    for (const handle of [this.child, this.child.stdout, this.child.stdin] as {
      ref(): void;
      unref(): void;
    }[]) {
      if (idle) handle.unref();
      else handle.ref();
    }
  }
}

/** Splits the response stream into frame bodies: a chunk may hold part of a frame, or several. */
class FrameReader {
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

function readBytes(frame: Buffer, offset: number): Buffer {
  const length = frame.readUInt32LE(offset);
  return frame.subarray(offset + 4, offset + 4 + length);
}

// Node's spawn takes the environment, argv and cwd as they are; the spawner inherits nothing a call did not send.
function spawnRequest(file: string, args: readonly string[], options: RunOptions): SpawnRequest {
  const env = Object.entries(options.env ?? process.env).flatMap(([k, v]) =>
    v === undefined ? [] : [`${k}=${v}`],
  );
  const argv = [file, ...args];
  for (const s of [file, ...argv, ...env, options.cwd ?? '']) {
    // As Node's spawn: C strings end at NUL, so such an argument would silently become another one.
    if (s.includes('\0'))
      throw new TypeError(`spawn ${file}: argument contains a NUL byte: ${JSON.stringify(s)}`);
  }
  const input =
    typeof options.input === 'string' ? Buffer.from(options.input) : (options.input ?? Buffer.alloc(0));
  // The spawner's working directory is the daemon's at the time the spawner started: resolve relative ones here.
  const cwd = options.cwd === undefined ? '' : resolvePath(options.cwd);
  return { flags: options.stdio === 'null' ? SPAWN_NULL_STDIO : 0, cwd, file, argv, env, input };
}

function encodeSpawn(id: number, request: SpawnRequest): Buffer {
  const strings = (list: readonly string[]): Buffer[] => list.map((s) => Buffer.from(s));
  const cwd = Buffer.from(request.cwd);
  const file = Buffer.from(request.file);
  const argv = strings(request.argv);
  const env = strings(request.env);
  const sized = (list: Buffer[]): number => list.reduce((n, b) => n + 4 + b.length, 4);
  const body =
    1 + 4 + 4 + 4 + cwd.length + 4 + file.length + sized(argv) + sized(env) + 4 + request.input.length;
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
  put(cwd);
  put(file);
  putList(argv);
  putList(env);
  put(request.input);
  return frame;
}

function encodeKill(id: number, signal: number): Buffer {
  const frame = Buffer.allocUnsafe(4 + 9);
  frame.writeUInt32LE(9, 0);
  frame.writeUInt8(REQ_KILL, 4);
  frame.writeUInt32LE(id, 5);
  frame.writeUInt32LE(signal, 9);
  return frame;
}

/** The error Node's spawn gives for a program that could not start (message "spawn FILE ENOENT", code, errno). */
function spawnError(errno: number, message: string): Error {
  const error = new Error(message) as NodeJS.ErrnoException;
  error.errno = -errno;
  const code = errnoNames.get(errno);
  if (code) error.code = code;
  return error;
}

/** The error Node's spawn gives when its AbortSignal fires. */
function abortError(command: string, signal: AbortSignal): CommandError {
  const error = Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
  return new CommandError(command, null, error.message, { cause: error });
}
