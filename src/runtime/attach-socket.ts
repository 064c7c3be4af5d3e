// `kubectl attach`: a client of the attach socket conmon keeps for each container (conmon src/conn_sock.c), and of
// the `ctl` fifo that resizes the container's terminal (conmon src/ctrl.c). conmon binds the socket in the bundle and
// links <socket dir>/<id> to the bundle, which keeps the path short enough for a unix socket address.
import { join } from 'node:path';
import { SeqpacketSocket } from 'node-unix-socket';
import { controlPath, resizeTerminal } from './conmon-ctl.js';
import type { TerminalSize } from './tty-exec.js';

export type AttachStream = 'stdout' | 'stderr';

/** One client of a container's stdio; several may be attached at once, each sees all output. */
export interface ContainerAttachment {
  onOutput(listener: (stream: AttachStream, data: Buffer) => void): void;
  /** Resolves when conmon closed the connection: the container exited (conmon exits with it). */
  readonly ended: Promise<void>;
  writeStdin(data: Buffer): void;
  /** Ends this client's input; conmon then closes the container's stdin unless told to leave it open. */
  endStdin(): void;
  resize(size: TerminalSize): Promise<void>;
  /** Goes away, leaving the container running. */
  detach(): void;
}

export class AttachError extends Error {
  override name = 'AttachError';
}

/** Each packet from conmon starts with its pipe: conmon's stdpipe_t (0 none, 1 stdin, 2 stdout, 3 stderr). */
const PIPES: Record<number, AttachStream> = { 2: 'stdout', 3: 'stderr' };
/** conmon reads at most CONN_SOCK_BUF_SIZE bytes of a packet; the rest of a longer one would be lost. */
const MAX_PACKET = 32 * 1024;

export function attachSocketPath(socketDir: string, id: string): string {
  return join(socketDir, id, 'attach');
}

/** Connects to the attach socket of container `id`; fails when conmon is not there (the container has exited). */
export function attachToContainer(socketDir: string, id: string): Promise<ContainerAttachment> {
  const path = attachSocketPath(socketDir, id);
  return new Promise((resolve, reject) => {
    const socket = new SeqpacketSocket();
    const refused = (err: Error) =>
      reject(new AttachError(`cannot connect to ${path}: ${err.message}`, { cause: err }));
    socket.once('error', refused);
    try {
      socket.connect(path, () => {
        socket.off('error', refused);
        resolve(attachment(socket, controlPath(socketDir, id)));
      });
    } catch (err) {
      refused(err as Error);
    }
  });
}

function attachment(socket: SeqpacketSocket, ctlPath: string): ContainerAttachment {
  let inputOpen = true;
  let resizes = Promise.resolve();
  const ended = new Promise<void>((resolve) => {
    const gone = () => {
      inputOpen = false;
      socket.destroy();
      resolve();
    };
    socket.once('end', gone);
    // The library destroys the socket after an error; the caller learns of it as the end of the output.
    socket.once('error', gone);
  });
  return {
    onOutput: (listener) =>
      socket.on('data', (packet: Buffer) => {
        const stream = PIPES[packet[0] ?? 0];
        if (stream !== undefined && packet.length > 1) listener(stream, packet.subarray(1));
      }),
    ended,
    writeStdin: (data) => {
      if (!inputOpen) return;
      for (let at = 0; at < data.length; at += MAX_PACKET) {
        socket.write(data.subarray(at, Math.min(at + MAX_PACKET, data.length)));
      }
    },
    endStdin: () => {
      if (!inputOpen) return;
      inputOpen = false;
      socket.end();
    },
    // One after another: kubectl attach sends the size plus one, then the size, to make the program redraw.
    resize: (size) => (resizes = resizes.catch(() => undefined).then(() => writeResize(ctlPath, size))),
    detach: () => {
      inputOpen = false;
      socket.destroy();
    },
  };
}

async function writeResize(ctlPath: string, { width, height }: TerminalSize): Promise<void> {
  if (width <= 0 || height <= 0) return;
  await resizeTerminal(ctlPath, height, width);
}
