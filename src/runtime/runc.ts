import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNotFound, readTextOr } from '../util/fs.js';
import { releaseExecFifo } from './exec-fifo.js';
import { statFields } from './proc-stat.js';
import { CommandError, commandLine, run, runUnchecked } from '../util/exec.js';

export type RuncStatus = 'creating' | 'created' | 'running' | 'pausing' | 'paused' | 'stopped';

export interface RuncState {
  id: string;
  pid: number;
  status: RuncStatus;
  bundle: string;
  created: string;
}

export const RUNC_BINARY = '/usr/sbin/runc';
const TIMEOUT_MS = 30_000;

/** runc with podlet's own state root, so two podlet instances never see each other's containers. */
export class Runc {
  private readonly inits = new Map<string, { pid: number; start: number; started?: boolean }>();

  constructor(
    readonly root: string,
    readonly binary = RUNC_BINARY,
  ) {}

  /**
   * The container's status and init PID, or undefined when runc does not know it. Read the way runc itself decides
   * (libcontainer currentStatus: state.json, the init process and its start time in /proc, the exec fifo), so the
   * kubelet's relist costs a few file reads instead of a process per container; `runc state` stays the fallback
   * for a state file this code cannot read.
   */
  async state(id: string): Promise<Pick<RuncState, 'status' | 'pid'> | undefined> {
    const dir = join(this.root, id);
    let init = this.inits.get(id);
    if (!init) {
      let saved: { init_process_pid?: unknown; init_process_start?: unknown };
      try {
        saved = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as typeof saved;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        return this.stateFromRunc(id);
      }
      const { init_process_pid: pid, init_process_start: start } = saved;
      if (typeof pid !== 'number' || typeof start !== 'number') return this.stateFromRunc(id);
      // The init process of a container never changes: read once per container.
      this.inits.set(id, (init = { pid, start }));
    }
    const { pid, start } = init;
    if (!processAlive(pid, start)) return { status: 'stopped', pid: 0 };
    // `runc start` removes the fifo; a container never goes back to created.
    if (!init.started) init.started = !existsSync(join(dir, 'exec.fifo'));
    return { status: init.started ? 'running' : 'created', pid };
  }

  private async stateFromRunc(id: string): Promise<RuncState | undefined> {
    const r = await runUnchecked(this.binary, ['--root', this.root, 'state', id], { timeoutMs: TIMEOUT_MS });
    if (r.exitCode !== 0) {
      if (/does not exist|not exist/.test(r.stderr)) return undefined;
      await run(this.binary, ['--root', this.root, 'state', id], { timeoutMs: TIMEOUT_MS });
    }
    return JSON.parse(r.stdout) as RuncState;
  }

  async list(): Promise<RuncState[]> {
    const r = await run(this.binary, ['--root', this.root, 'list', '--format', 'json'], {
      timeoutMs: TIMEOUT_MS,
    });
    return (JSON.parse(r.stdout || 'null') as RuncState[] | null) ?? [];
  }

  /**
   * `runc create` (or with `start`, `runc run --detach`: one process instead of two) of a container no monitor
   * watches (a pod's pause process). Its processes inherit runc's stdio, and one that kept runc's pipes would hold
   * them open for its lifetime, so stdio is /dev/null and runc's own error comes back through its JSON log file.
   */
  async createUnmonitored(id: string, bundle: string, start = false): Promise<void> {
    const log = join(bundle, 'runc.log');
    const args = [
      '--root',
      this.root,
      '--log',
      log,
      '--log-format',
      'json',
      ...(start ? ['run', '--detach'] : ['create']),
      '--bundle',
      bundle,
      id,
    ];
    const r = await runUnchecked(this.binary, args, { stdio: 'null', cwd: bundle, timeoutMs: TIMEOUT_MS });
    if (r.exitCode !== 0)
      throw new CommandError(commandLine(this.binary, args), r.exitCode, await runcError(log));
  }

  /** Starts a created container: through its exec fifo when it has one, else `runc start` (for its error). */
  async start(id: string): Promise<void> {
    const state = await this.state(id);
    const init = this.inits.get(id);
    if (state?.status === 'created' && init) {
      const alive = () => processAlive(init.pid, init.start);
      if (await releaseExecFifo(join(this.root, id), alive, TIMEOUT_MS)) {
        init.started = true;
        return;
      }
    }
    await run(this.binary, ['--root', this.root, 'start', id], { timeoutMs: TIMEOUT_MS });
  }

  /** Sends a signal; `all` signals every process of the container (needed when it does not own its PID namespace). */
  async kill(id: string, signal: string, all = false): Promise<void> {
    const args = ['--root', this.root, 'kill', ...(all ? ['--all'] : []), id, signal];
    const r = await runUnchecked(this.binary, args, { timeoutMs: TIMEOUT_MS });
    // A container that already stopped is what the caller wanted.
    if (
      r.exitCode !== 0 &&
      !/not running|does not exist|process already finished|container not running/.test(r.stderr)
    ) {
      await run(this.binary, args, { timeoutMs: TIMEOUT_MS });
    }
  }

  /**
   * Runs a process in the container's namespaces and cgroup (`kubectl exec`, without a TTY): the caller owns its
   * stdio pipes and its lifetime, which is as long as the command runs, so there is no time-out here.
   */
  exec(id: string, command: readonly string[]): ChildProcess {
    return spawn(this.binary, ['--root', this.root, 'exec', id, ...command], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }

  /** Removes runc's state and the container's cgroup; idempotent. */
  async delete(id: string): Promise<void> {
    this.inits.delete(id);
    const r = await runUnchecked(this.binary, ['--root', this.root, 'delete', '--force', id], {
      timeoutMs: TIMEOUT_MS,
    });
    if (r.exitCode !== 0 && !/does not exist/.test(r.stderr)) {
      await run(this.binary, ['--root', this.root, 'delete', '--force', id], { timeoutMs: TIMEOUT_MS });
    }
  }
}

/** The messages of runc's JSON log at level error or fatal: what it would have printed on stderr. */
async function runcError(log: string): Promise<string> {
  const text = readTextOr(log, '');
  return text
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { level?: string; msg?: string };
        return entry.level === 'error' || entry.level === 'fatal' ? [entry.msg ?? ''] : [];
      } catch {
        return [];
      }
    })
    .join('\n');
}

/**
 * The process exists with that start time (not a recycled PID) and is neither a zombie nor dead. /proc is answered
 * from kernel memory, so a synchronous read is cheaper than a round trip through the thread pool.
 */
function processAlive(pid: number, startTime: number): boolean {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const fields = statFields(text);
  const state = fields[0];
  return state !== 'Z' && state !== 'X' && Number(fields[19]) === startTime;
}
