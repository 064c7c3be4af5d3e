import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { commandLine } from '../util/exec.js';
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
  const stderrFd = openSync(join(o.bundle, 'conmon.log'), 'a');
  try {
    const child = spawn(CONMON_BINARY, args, {
      stdio: ['ignore', 'ignore', stderrFd, 'pipe'],
      env: { _OCI_SYNCPIPE: '3', PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
      detached: true,
      cwd: o.bundle,
    });
    child.unref();
    const sync = child.stdio[3] as Readable;
    const message = await readSyncMessage(sync, o.timeoutMs ?? 30_000).finally(() => sync.destroy());
    if (message.data < 0) {
      throw new ConmonError(
        `${commandLine(CONMON_BINARY, args)}: ${message.message ?? 'container create failed'}`,
      );
    }
    const conmonPid = Number((await readFile(join(o.bundle, 'conmon.pid'), 'utf8')).trim());
    return { pid: message.data, conmonPid };
  } finally {
    closeSync(stderrFd);
  }
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

function readSyncMessage(sync: Readable, timeoutMs: number): Promise<{ data: number; message?: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new ConmonError(`conmon gave no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (f: () => void): void => {
      clearTimeout(timer);
      sync.removeAllListeners();
      f();
    };
    sync.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) {
        done(() => {
          try {
            resolve(JSON.parse(line) as { data: number; message?: string });
          } catch (e) {
            reject(new ConmonError(`conmon sent an unreadable sync message: ${line}`, { cause: e }));
          }
        });
      }
    });
    sync.on('end', () =>
      done(() => reject(new ConmonError(`conmon exited before creating the container: ${text}`))),
    );
    sync.on('error', (e) => done(() => reject(new ConmonError('conmon sync pipe failed', { cause: e }))));
  });
}
