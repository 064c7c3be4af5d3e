// kubectl on a terminal of its own (node-pty), so that `-t` means a real TTY to it: raw mode, its size sent at the
// start and again on SIGWINCH. Tests type into it and wait for what the far side prints.
import { spawn, type IPty } from 'node-pty';
import { runUnchecked } from '../../../src/util/exec.js';
import { kubectlPath, type Cluster } from './cluster.js';

const CURSOR_QUERY = '\x1b[6n';

export interface TerminalOptions {
  version?: string | undefined;
  cols?: number;
  rows?: number;
}

export class KubectlTerminal {
  private text = '';
  private readonly pty: IPty;
  /** kubectl's exit code. */
  readonly exited: Promise<number>;

  constructor(cluster: Cluster, args: string[], options: TerminalOptions = {}) {
    this.pty = spawn(kubectlPath(options.version), args, {
      cols: options.cols ?? 80,
      rows: options.rows ?? 24,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        KUBECONFIG: cluster.kubeconfig,
        HOME: cluster.instance.dataDir,
      },
    });
    this.pty.onData((data) => {
      // busybox's line editor asks where the cursor is (DSR); a real terminal answers, so this one does too.
      if (data.includes(CURSOR_QUERY)) this.pty.write('\x1b[1;1R');
      this.text += data.replaceAll(CURSOR_QUERY, '');
    });
    this.exited = new Promise((resolve) => this.pty.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** Everything kubectl printed so far. */
  get output(): string {
    return this.text;
  }

  /** Waits until the output after `from` matches; returns the offset just past the match. */
  async expect(pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.text.slice(from));
      if (match) return from + match.index + match[0].length;
      if (Date.now() >= deadline) {
        throw new Error(
          `${pattern} did not appear; the terminal shows ${JSON.stringify(this.text.slice(from))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  type(text: string): void {
    this.pty.write(text);
  }

  /** Types `command` until its answer matches: a size change reaches the container a moment after SIGWINCH. */
  async askUntil(command: string, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const from = this.text.length;
      this.type(`${command}\r`);
      try {
        await this.expect(pattern, from, Math.min(2_000, Math.max(deadline - Date.now(), 1)));
        return;
      } catch (err) {
        if (Date.now() >= deadline) throw err;
      }
    }
  }

  resize(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
  }

  /** Kills kubectl (by its PID) and waits for it to be gone. */
  async kill(): Promise<void> {
    this.pty.kill('SIGKILL');
    await this.exited;
  }
}

/** Processes of this podlet instance whose command line matches `pattern` (e.g. its `runc exec` processes). */
export async function instanceProcesses(cluster: Cluster, pattern: string): Promise<string[]> {
  const { stdout } = await runUnchecked('pgrep', ['-af', pattern], { timeoutMs: 10_000 });
  return stdout
    .split('\n')
    .filter((line) => line.includes(cluster.instance.dataDir) && !line.includes('pgrep'));
}
