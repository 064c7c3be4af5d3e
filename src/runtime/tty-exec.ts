// `kubectl exec -t`: `runc exec -t` on a pseudo-terminal of our own. runc, seeing a terminal on its stdin, allocates
// the container's console, puts our terminal in raw mode and copies both ways; it forwards SIGWINCH, so resizing our
// terminal resizes the container's.
import { spawn, type IPty } from 'node-pty';
import type { Runc } from './runc.js';

/** A terminal size in character cells (kubelet remotecommand.TerminalSize). */
export interface TerminalSize {
  width: number;
  height: number;
}

/** A process on a terminal: one output stream (stdout and stderr are the same device), input, size changes. */
export interface TerminalProcess {
  /** The `runc exec` process; what it started runs below it (runc exec is a subreaper). */
  readonly pid: number;
  onData(listener: (data: Buffer) => void): void;
  /** Called once, after the last output was delivered. */
  onExit(listener: (exitCode: number) => void): void;
  write(data: Buffer): void;
  resize(size: TerminalSize): void;
  /** Stops delivering output until `resume` (back-pressure from a slow client). */
  pause(): void;
  resume(): void;
  kill(signal: NodeJS.Signals): void;
}

/** runc's default when the client sends no size before the process starts; kubectl sends its own at once. */
export const DEFAULT_TERMINAL_SIZE: TerminalSize = { width: 80, height: 24 };

/**
 * Starts `command` in container `id` on a new terminal. TERM=xterm is added to the process's environment, as
 * containerd does for a CRI exec with a TTY (pkg/cri/server/container_execsync.go).
 */
export function startTerminalExec(
  runc: Pick<Runc, 'binary' | 'root'>,
  id: string,
  command: readonly string[],
  size: TerminalSize = DEFAULT_TERMINAL_SIZE,
): TerminalProcess {
  const args = ['--root', runc.root, 'exec', '-t', '--env', 'TERM=xterm', id, ...command];
  const pty = spawn(runc.binary, args, {
    cols: size.width,
    rows: size.height,
    // Bytes, not strings: the container may write anything, and a multi-byte character may span two reads.
    encoding: null,
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  return terminalProcess(pty);
}

function terminalProcess(pty: IPty): TerminalProcess {
  return {
    pid: pty.pid,
    // With `encoding: null` node-pty hands out Buffers; its typings only know strings.
    onData: (listener) => void pty.onData((data) => listener(data as unknown as Buffer)),
    onExit: (listener) =>
      void pty.onExit(({ exitCode, signal }) => listener(signal ? 128 + signal : exitCode)),
    write: (data) => pty.write(data),
    // A 0x0 terminal (kubectl under a terminal without a size) cannot be set; the last real size stays.
    resize: ({ width, height }) => {
      if (width <= 0 || height <= 0) return;
      try {
        pty.resize(width, height);
      } catch {
        // The process has just exited and its terminal is gone: there is nothing left to resize.
      }
    },
    pause: () => pty.pause(),
    resume: () => pty.resume(),
    kill: (signal) => pty.kill(signal),
  };
}
