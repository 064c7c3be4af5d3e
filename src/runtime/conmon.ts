import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commandLine, startDaemonized } from '../util/exec.js';
import { RUNC_BINARY } from './runc.js';

export interface ConmonOptions {
  id: string;
  name: string;
  bundle: string;
  /** CRI-format log file (conmon's k8s-file driver). */
  logPath: string;
  exitDir: string;
  socketDir: string;
  runcRoot: string;
  stdin?: boolean;
  /** Close the container's stdin when the first attached client's input ends (spec.stdinOnce). */
  stdinOnce?: boolean;
  tty?: boolean;
  logMaxSize?: number;
  timeoutMs?: number;
}

export interface ConmonStarted {
  /** PID of the container's init process (runc create has run; the caller must `runc start`). */
  pid: number;
  conmonPid: number;
}

export class ConmonError extends Error {
  override name = 'ConmonError';
}

export const CONMON_BINARY = '/usr/bin/conmon';

/**
 * Starts one conmon that creates the container with runc and then watches it: it writes the CRI log, the exit file
 * (<exitDir>/<id>) and outlives podlet (it double-forks and is started detached), so a daemon restart loses nothing.
 * conmon's API v1 sync pipe reports `{"data": <pid>}` once created, or a negative value with a message.
 */
export async function startConmon(o: ConmonOptions): Promise<ConmonStarted> {
  const args = [
    '--api-version', '1',
    '-c', o.id, '-u', o.id, '-n', o.name,
    '-r', RUNC_BINARY, '-b', o.bundle,
    '-p', join(o.bundle, 'pidfile'), '-P', join(o.bundle, 'conmon.pid'),
    '-l', `k8s-file:${o.logPath}`,
    '--exit-dir', o.exitDir, '--socket-dir-path', o.socketDir,
    // conmon drops an `oom` marker into its persist dir (else its working directory) when the container OOMs.
    '--persist-dir', o.bundle,
    '--runtime-arg', `--root=${o.runcRoot}`,
    '--log-level', 'error', '--no-sync-log',
    ...(o.logMaxSize ? ['--log-size-max', String(o.logMaxSize)] : []),
    ...stdioArgs(o),
  ]; // prettier-ignore
  // Started through the spawner, so the daemon does not fork itself for each container (decision 0045).
  const line = await startDaemonized(CONMON_BINARY, args, {
    env: { _OCI_SYNCPIPE: '3', PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
    cwd: o.bundle,
    stderrFile: join(o.bundle, 'conmon.log'),
    timeoutMs: o.timeoutMs ?? 30_000,
  });
  if (!line) {
    const log = await lastLines(join(o.bundle, 'conmon.log'), 3);
    throw new ConmonError(`conmon exited before creating the container: ${log || 'no sync message'}`);
  }
  const message = parseSyncMessage(line);
  if (message.data < 0) {
    throw new ConmonError(
      `${commandLine(CONMON_BINARY, args)}: ${message.message ?? 'container create failed'}`,
    );
  }
  const conmonPid = Number(readFileSync(join(o.bundle, 'conmon.pid'), 'utf8').trim());
  return { pid: message.data, conmonPid };
}

/**
 * CRI-O's choice (internal/oci/runtime_oci.go): with a terminal conmon owns the console and `-i` would make it close
 * the console's input when the first attached client leaves; without one, `-i` gives the container a stdin pipe
 * that conmon closes when a client leaves, unless told to leave it open (stdinOnce false).
 */
function stdioArgs(o: ConmonOptions): string[] {
  if (o.tty) return ['-t'];
  if (!o.stdin) return [];
  return o.stdinOnce ? ['-i'] : ['-i', '--leave-stdin-open'];
}

/** conmon's first sync line: `{"data": <pid>}`, or a negative data with a message. */
function parseSyncMessage(line: string): { data: number; message?: string } {
  try {
    return JSON.parse(line) as { data: number; message?: string };
  } catch (e) {
    throw new ConmonError(`conmon sent an unreadable sync message: ${line}`, { cause: e });
  }
}

/** What conmon said on stderr last, for an error message; nothing if its log cannot be read. */
async function lastLines(file: string, count: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-count).join(' | ');
}
