import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import {
  CommandError,
  commandLine,
  DEFAULT_TIMEOUT_MS,
  timeoutError,
  type DaemonizeOptions,
  type RunOptions,
  type RunResult,
} from './command.js';
import { nativeBinary } from './native.js';
import { Spawner } from './spawner.js';

export {
  CommandError,
  commandLine,
  DEFAULT_TIMEOUT_MS,
  type DaemonizeOptions,
  type RunOptions,
  type RunResult,
};

const SPAWNER = nativeBinary('spawner');

let spawner: Spawner | null | undefined;

/** Runs a program (never through a shell) and resolves with its output; rejects with CommandError on a non-zero exit. */
export async function run(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await runUnchecked(file, args, options);
  if (result.exitCode !== 0) throw new CommandError(commandLine(file, args), result.exitCode, result.stderr);
  return result;
}

/** Like run, but a non-zero exit is a result, not an error. A spawn failure or time-out still rejects. */
export function runUnchecked(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const started = processSpawner();
  return started ? started.run(file, args, options) : runWithNodeSpawn(file, args, options);
}

/**
 * Starts a program that daemonizes and reports on a sync pipe at fd 3, as conmon does, and resolves with the first
 * line it writes there (without the newline), or with all it wrote before the pipe closed (maybe nothing): the
 * program keeps the pipe open for its whole life, so its exit is never waited for. Its stdin and stdout are
 * /dev/null, its stderr is appended to options.stderrFile (created with mode 0600) or /dev/null, and it runs in a
 * new session, so signals sent to the daemon's process group or terminal never reach it. Rejects with a
 * CommandError when it cannot start (or the stderr file cannot be opened), or when no line came within the
 * time-out (the program is then killed with SIGKILL).
 */
export function startDaemonized(
  file: string,
  args: readonly string[],
  options: DaemonizeOptions = {},
): Promise<string> {
  const started = processSpawner();
  return started
    ? started.startDaemonized(file, args, options)
    : startDaemonizedWithNodeSpawn(file, args, options);
}

// One spawner for the whole process, so the daemon never forks (see native/spawner/spawner.h). Without a build
// (tests run from the sources before `npm run build`) there is no binary and Node's own spawn does the job.
function processSpawner(): Spawner | null {
  if (spawner === undefined) spawner = existsSync(SPAWNER) ? Spawner.start(SPAWNER) : null;
  return spawner;
}

function runWithNodeSpawn(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: options.stdio === 'null' ? 'ignore' : ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
      signal: options.signal,
      killSignal: 'SIGKILL', // as the spawner does on abort
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new CommandError(commandLine(file, args), null, e.message, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString();
      if (timedOut) {
        reject(timeoutError(commandLine(file, args), timeoutMs, stderr));
        return;
      }
      resolve({
        stdout: Buffer.concat(out).toString(),
        stderr,
        exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0),
      });
    });
    child.stdin?.on('error', () => undefined); // the program may exit before reading its input
    child.stdin?.end(options.input ?? '');
  });
}

function startDaemonizedWithNodeSpawn(
  file: string,
  args: readonly string[],
  options: DaemonizeOptions,
): Promise<string> {
  const command = commandLine(file, args);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<string>((resolve, reject) => {
    const stderr = options.stderrFile === undefined ? 'ignore' : openSync(options.stderrFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        stdio: ['ignore', 'ignore', stderr, 'pipe'],
        env: options.env ?? process.env,
        cwd: options.cwd,
        detached: true,
      });
    } finally {
      if (stderr !== 'ignore') closeSync(stderr);
    }
    child.unref();
    const sync = child.stdio[3] as Readable;
    let text = '';
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sync.destroy();
      finish();
    };
    const fail = (e: Error): void =>
      settle(() => reject(new CommandError(command, null, e.message, { cause: e })));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() => reject(timeoutError(command, timeoutMs, '')));
    }, timeoutMs);
    child.on('error', fail);
    sync.on('error', fail);
    sync.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const newline = text.indexOf('\n');
      if (newline >= 0) settle(() => resolve(text.slice(0, newline)));
    });
    sync.on('end', () => settle(() => resolve(text)));
  }).catch((e: unknown) => {
    // Thrown before the program ran (the stderr file could not be opened): a spawn error, as the spawner has it.
    throw e instanceof CommandError ? e : new CommandError(command, null, (e as Error).message, { cause: e });
  });
}
