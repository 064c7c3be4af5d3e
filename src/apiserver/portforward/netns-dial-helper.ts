// podlet's end of a dial helper (netns-dial-child.ts) living in one network namespace. Node cannot setns(2), so a
// small node process entered there with `nsenter --net` connects for podlet and passes each connected socket back
// over the IPC channel; podlet reads and writes the pod's TCP connection itself, with no process copying bytes.
import { spawn, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { DialFailure, DialReply, DialRequest } from './netns-dial-protocol.js';

/** Both address families refused (or failed) the connection. */
export class DialFailedError extends Error {
  constructor(
    readonly port: number,
    readonly ipv4: DialFailure,
    readonly ipv6: DialFailure,
  ) {
    super(`connecting to port ${port}: IPv4: ${ipv4.message}; IPv6: ${ipv6.message}`);
    this.name = 'DialFailedError';
  }
}

/** The helper could not start (a netns that is gone) or died. */
export class DialHelperError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DialHelperError';
  }
}

interface PendingDial {
  port: number;
  resolve: (socket: Socket) => void;
  reject: (err: Error) => void;
}

// Run from dist/ the helper is compiled JavaScript; run from src/ (tests under tsx) it is TypeScript.
const SELF = fileURLToPath(import.meta.url);
const CHILD_SCRIPT = fileURLToPath(new URL(`./netns-dial-child${extname(SELF)}`, import.meta.url));

export class NetnsDialHelper {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, PendingDial>();
  private nextId = 1;
  private stderr = '';
  private failure: DialHelperError | undefined;

  constructor(readonly netnsPath: string) {
    // The namespace's path is the helper's argument only so that `ps` says which pod it serves.
    const command = [process.execPath, ...loaderArgs(), CHILD_SCRIPT, netnsPath];
    this.child = spawn('nsenter', [`--net=${netnsPath}`, ...command], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString();
    });
    this.child.on('message', (reply: DialReply, handle: unknown) => this.onReply(reply, handle as Socket));
    this.child.once('error', (err) =>
      this.fail(new DialHelperError(`starting nsenter: ${err.message}`, { cause: err })),
    );
    this.child.once('close', (code, signal) => {
      const status = code === null ? `signal ${signal ?? 'unknown'}` : `status ${code}`;
      this.fail(new DialHelperError(`the dial helper exited with ${status}: ${this.stderr.trim()}`));
    });
  }

  /** False once the helper has exited or was stopped: a new one is needed for this namespace. */
  get alive(): boolean {
    return this.failure === undefined;
  }

  dial(port: number): Promise<Socket> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { port, resolve, reject });
      // A failed send means the channel broke: the helper is gone, and its exit fails this dial with the reason.
      this.child.send({ id, port } satisfies DialRequest, () => undefined);
    });
  }

  /** Lets the helper go: it exits once its IPC channel closes. Dials still waiting fail. */
  stop(): void {
    this.fail(new DialHelperError('the dial helper was stopped'));
    if (this.child.connected) this.child.disconnect();
  }

  private onReply(reply: DialReply, socket: Socket | undefined): void {
    const pending = this.settle(reply.id);
    if (!reply.ok) return pending?.reject(new DialFailedError(pending.port, reply.ipv4, reply.ipv6));
    if (socket === undefined) {
      return pending?.reject(new DialHelperError('the dial helper sent no socket'));
    }
    if (pending === undefined) return void socket.destroy();
    // Node builds a received socket with allowHalfOpen off; a half-closed connection still carries the other
    // direction, as Go's io.Copy pair in containerd does.
    socket.allowHalfOpen = true;
    pending.resolve(socket);
  }

  private settle(id: number): PendingDial | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  private fail(err: DialHelperError): void {
    this.failure ??= err;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(this.failure);
    }
  }
}

/** The module loaders podlet itself runs with (tsx in tests), which a TypeScript helper needs too. */
function loaderArgs(): string[] {
  if (extname(CHILD_SCRIPT) === '.js') return [];
  const args: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (/^--(import|require|loader|experimental-loader)=/.test(arg)) args.push(arg);
    else if (/^--(import|require|loader|experimental-loader)$/.test(arg) && argv[i + 1] !== undefined) {
      args.push(arg, argv[i + 1] ?? '');
      i++;
    }
  }
  return args;
}
