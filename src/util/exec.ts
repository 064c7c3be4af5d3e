import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CommandError,
  commandLine,
  DEFAULT_TIMEOUT_MS,
  timeoutError,
  type RunOptions,
  type RunResult,
} from './command.js';
import { Spawner } from './spawner.js';

export { CommandError, commandLine, DEFAULT_TIMEOUT_MS, type RunOptions, type RunResult };

const here = dirname(fileURLToPath(import.meta.url));
// Built by scripts/build-native.sh into dist/native; from the sources (tsx) the built one is used too.
const SPAWNER = here.includes('/dist/')
  ? join(here, '..', '..', 'native', 'spawner')
  : join(here, '..', '..', 'dist', 'native', 'spawner');

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
  // One spawner for the whole process, so the daemon never forks (see native/spawner.c). Without a build (tests
  // run from the sources before `npm run build`) there is no binary and Node's own spawn does the job.
  if (spawner === undefined) spawner = existsSync(SPAWNER) ? Spawner.start(SPAWNER) : null;
  return spawner ? spawner.run(file, args, options) : runWithNodeSpawn(file, args, options);
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
