// The messages of the remote command protocols (exec and attach) that are not bytes of a stream: the final Status
// on the error channel (v4+) and the terminal sizes on the resize channel.
import type { Status } from 'kubernetes-types/meta/v1.js';
import type { TerminalSize } from '../runtime/tty-exec.js';

/**
 * The client's terminal sizes, JSON objects `{"Width":..,"Height":..}` one after another (Go's json.Encoder ends each
 * with a newline); a chunk may end inside one. kubelet reads them with a json.Decoder (remotecommand handleResizing).
 */
export function terminalSizeDecoder(onSize: (size: TerminalSize) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let end: number;
    while ((end = pending.indexOf('}')) >= 0) {
      const text = pending.slice(0, end + 1);
      pending = pending.slice(end + 1);
      const size = parseTerminalSize(text);
      if (size) onSize(size);
    }
  };
}

function parseTerminalSize(text: string): TerminalSize | undefined {
  try {
    const { Width: width, Height: height } = JSON.parse(text) as { Width?: unknown; Height?: unknown };
    if (typeof width !== 'number' || typeof height !== 'number') return undefined;
    return { width, height };
  } catch {
    // kubelet stops reading sizes at one it cannot decode; here a bad message costs only itself.
    return undefined;
  }
}

export function successStatus(): Status {
  return { metadata: {}, status: 'Success' };
}

/** The v4+ Status of a command that exited non-zero: kubectl exits with the same code. */
export function exitStatus(code: number): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function failureStatus(message: string): Status {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError' };
}
