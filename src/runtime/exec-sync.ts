// CRI ExecSync on runc: a command run to its end in a running container, with a deadline and a cancel signal, its
// output collected (probes, lifecycle hooks).
import { killExecTree } from './proc-stat.js';
import type { Runc } from './runc.js';

export interface ExecSyncResult {
  exitCode: number;
  /** stdout and stderr in the order they came, cut at MAX_OUTPUT_BYTES. */
  output: string;
  stderr: string;
  timedOut: boolean;
}

const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * Runs `command` in container `id`. On the deadline or the signal the process and what it started are SIGKILLed
 * (killing `runc exec` alone would leave them running in the container).
 */
export async function execSync(
  runc: Runc,
  id: string,
  command: readonly string[],
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<ExecSyncResult> {
  const child = runc.exec(id, command);
  child.stdin?.end();
  const output: Buffer[] = [];
  const stderr: Buffer[] = [];
  let size = 0;
  const collect = (chunk: Buffer, also?: Buffer[]) => {
    also?.push(chunk);
    if (size >= MAX_OUTPUT_BYTES) return;
    output.push(chunk.subarray(0, MAX_OUTPUT_BYTES - size));
    size += chunk.length;
  };
  child.stdout?.on('data', (c: Buffer) => collect(c));
  child.stderr?.on('data', (c: Buffer) => collect(c, stderr));
  let timedOut = false;
  const killProcess = () => void killExecTree(child.pid, () => child.kill('SIGKILL'));
  const timer =
    options.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          killProcess();
        }, options.timeoutMs)
      : undefined;
  options.signal?.addEventListener('abort', killProcess, { once: true });
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
    });
    return {
      exitCode,
      output: Buffer.concat(output).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', killProcess);
  }
}
