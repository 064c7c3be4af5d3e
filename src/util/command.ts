// The vocabulary shared by exec.ts (what callers use) and spawner.ts (how programs start): kept apart so that the
// two do not import each other.

export interface RunOptions {
  /** Milliseconds before the program is killed with SIGKILL. */
  timeoutMs?: number;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  /**
   * 'null': stdin, stdout and stderr are /dev/null and nothing is captured, for a program that leaves a process
   * behind holding what it inherited (whose pipes would otherwise stay open as long as that process lives).
   */
  stdio?: 'capture' | 'null';
}

/** For a program that daemonizes and reports on a sync pipe at fd 3, as conmon does. */
export interface DaemonizeOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The program's stderr is appended to this file (created with mode 0600); else it is /dev/null. */
  stderrFile?: string;
  /** Milliseconds to wait for the sync line before the program is killed with SIGKILL. */
  timeoutMs?: number;
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

export function commandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** The error a timed-out program is rejected with, after it was killed and its pipes closed. */
export function timeoutError(command: string, timeoutMs: number, stderr: string): CommandError {
  return new CommandError(command, null, `timed out after ${timeoutMs} ms ${stderr}`);
}
