import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import {
  CommandError,
  commandLine,
  DEFAULT_TIMEOUT_MS,
  timeoutError,
  type DaemonizeOptions,
  type RunOptions,
  type RunResult,
} from './command.js';
import {
  encodeKill,
  encodeSpawn,
  FrameReader,
  parseAnswer,
  readBytes,
  RESP_ERROR,
  RESP_EXIT,
  RESP_SYNC,
  SPAWN_NEW_SESSION,
  SPAWN_NULL_STDIO,
  SPAWN_SYNC_PIPE,
  type Answer,
  type SpawnRequest,
} from './spawner-frames.js';

/** What a started program's call waits for: exactly one of these is called, once. */
interface CallHandlers {
  answered(answer: Answer): void;
  failed(error: Error): void;
}

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
    const flags = options.stdio === 'null' ? SPAWN_NULL_STDIO : 0;
    return this.call(
      command,
      () => spawnRequest(file, args, options, flags),
      options,
      (answer, timedOutAfterMs) => {
        if (answer.kind !== 'exit') throw unexpectedAnswer(command, answer);
        if (timedOutAfterMs !== undefined) throw timeoutError(command, timedOutAfterMs, answer.stderr);
        return { stdout: answer.stdout, stderr: answer.stderr, exitCode: answer.status };
      },
    );
  }

  /**
   * Starts a program that daemonizes and reports on a sync pipe at fd 3 (as conmon does) in a new session, with
   * stdio /dev/null but for stderr to options.stderrFile; resolves with the first line it writes there.
   */
  startDaemonized(file: string, args: readonly string[], options: DaemonizeOptions = {}): Promise<string> {
    const command = commandLine(file, args);
    const flags = SPAWN_SYNC_PIPE | SPAWN_NEW_SESSION;
    return this.call(
      command,
      () => spawnRequest(file, args, options, flags),
      options,
      (answer, timedOutAfterMs) => {
        if (answer.kind !== 'sync') throw unexpectedAnswer(command, answer);
        if (timedOutAfterMs !== undefined) throw timeoutError(command, timedOutAfterMs, '');
        return answer.line;
      },
    );
  }

  /**
   * One call: a time-out sends SIGKILL and the answer that follows is judged as timed out; an abort sends SIGKILL
   * and rejects at once (a killed SYNC_PIPE call is answered at once too, see native/spawner/spawner.h).
   */
  private call<T>(
    command: string,
    request: () => SpawnRequest,
    limits: { timeoutMs?: number; signal?: AbortSignal },
    judge: (answer: Answer, timedOutAfterMs: number | undefined) => T,
  ): Promise<T> {
    const timeoutMs = limits.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { signal } = limits;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(command, signal));
        return;
      }
      const body = request();
      const connection = this.connect();
      const id = this.allocateId(connection);
      let settled = false;
      let timedOutAfterMs: number | undefined;
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
        timedOutAfterMs = timeoutMs;
        connection.kill(id, constants.signals.SIGKILL);
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      connection.start(id, body, {
        answered: (answer) =>
          settle(() => {
            try {
              resolve(judge(answer, timedOutAfterMs));
            } catch (e) {
              reject(e as Error);
            }
          }),
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
    if (type !== RESP_EXIT && type !== RESP_ERROR && type !== RESP_SYNC) {
      this.close(new Error(`spawner sent an unknown response type ${type}`));
      return;
    }
    const id = frame.readUInt32LE(1);
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    if (this.calls.size === 0) this.setIdle(true);
    if (type === RESP_ERROR) call.failed(spawnError(frame.readInt32LE(5), readBytes(frame, 9).toString()));
    else call.answered(parseAnswer(type, frame));
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

// Node's spawn takes the environment, argv and cwd as they are; the spawner inherits nothing a call did not send.
function spawnRequest(
  file: string,
  args: readonly string[],
  options: Pick<RunOptions, 'env' | 'cwd' | 'input'> & Pick<DaemonizeOptions, 'stderrFile'>,
  flags: number,
): SpawnRequest {
  const env = Object.entries(options.env ?? process.env).flatMap(([k, v]) =>
    v === undefined ? [] : [`${k}=${v}`],
  );
  const argv = [file, ...args];
  for (const s of [file, ...argv, ...env, options.cwd ?? '', options.stderrFile ?? '']) {
    // As Node's spawn: C strings end at NUL, so such an argument would silently become another one.
    if (s.includes('\0'))
      throw new TypeError(`spawn ${file}: argument contains a NUL byte: ${JSON.stringify(s)}`);
  }
  const input =
    typeof options.input === 'string' ? Buffer.from(options.input) : (options.input ?? Buffer.alloc(0));
  // The spawner's working directory is the daemon's at the time the spawner started: resolve relative ones here.
  const cwd = options.cwd === undefined ? '' : resolvePath(options.cwd);
  const stderrFile = options.stderrFile === undefined ? '' : resolvePath(options.stderrFile);
  return { flags, stderrFile, cwd, file, argv, env, input };
}

/** The error Node's spawn gives for a program that could not start (message "spawn FILE ENOENT", code, errno). */
function spawnError(errno: number, message: string): Error {
  const error = new Error(message) as NodeJS.ErrnoException;
  error.errno = -errno;
  const code = errnoNames.get(errno);
  if (code) error.code = code;
  return error;
}

function unexpectedAnswer(command: string, answer: Answer): CommandError {
  return new CommandError(command, null, `the spawner answered with a ${answer.kind} response`);
}

/** The error Node's spawn gives when its AbortSignal fires. */
function abortError(command: string, signal: AbortSignal): CommandError {
  const error = Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
  return new CommandError(command, null, error.message, { cause: error });
}
