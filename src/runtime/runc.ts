import { spawn, type ChildProcess } from 'node:child_process';
import { run, runUnchecked } from '../util/exec.js';

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
  constructor(
    readonly root: string,
    readonly binary = RUNC_BINARY,
  ) {}

  /** The container's state, or undefined when runc does not know it. */
  async state(id: string): Promise<RuncState | undefined> {
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

  async start(id: string): Promise<void> {
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
    const r = await runUnchecked(this.binary, ['--root', this.root, 'delete', '--force', id], {
      timeoutMs: TIMEOUT_MS,
    });
    if (r.exitCode !== 0 && !/does not exist/.test(r.stderr)) {
      await run(this.binary, ['--root', this.root, 'delete', '--force', id], { timeoutMs: TIMEOUT_MS });
    }
  }
}
