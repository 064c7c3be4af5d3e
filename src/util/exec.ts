import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Milliseconds before the program is killed with SIGKILL. */
  timeoutMs?: number;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A program that failed: carries the command line, exit code and stderr so the caller's log says why. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    const detail = stderr.trim().split('\n').slice(-3).join(' | ');
    super(
      `${command}: ${exitCode === null ? 'killed' : `exit ${exitCode}`}${detail ? `: ${detail}` : ''}`,
      options,
    );
    this.name = 'CommandError';
  }
}

export const DEFAULT_TIMEOUT_MS = 30_000;

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
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
      signal: options.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new CommandError(commandLine(file, args), null, e.message, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString();
      if (timedOut) {
        reject(new CommandError(commandLine(file, args), null, `timed out after ${timeoutMs} ms ${stderr}`));
        return;
      }
      resolve({
        stdout: Buffer.concat(out).toString(),
        stderr,
        exitCode: code ?? 128 + signalNumber(signal),
      });
    });
    child.stdin.on('error', () => undefined); // the program may exit before reading its input
    child.stdin.end(options.input ?? '');
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 0;
}

export function commandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
