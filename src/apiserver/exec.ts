// pods/{name}/exec: one process-side session (the command in the container, its stdio or its terminal, and its final
// Status) and two transports kubectl speaks: WebSocket channels (v5/v4.channel.k8s.io, kubectl >= 1.30 by default)
// and SPDY/3.1 streams (spdy/remote-command.ts: kubectl 1.27, or KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false). pods/attach
// (attach.ts) serves its sessions over the same transports.
import type { ChildProcess } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream/promises';
import { PassThrough, Writable, type Duplex, type Readable } from 'node:stream';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Status } from 'kubernetes-types/meta/v1.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { killExecTree } from '../runtime/proc-stat.js';
import type { TerminalProcess, TerminalSize } from '../runtime/tty-exec.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import { containerName, containerStatus } from './pod-containers.js';
import { exitStatus, failureStatus, successStatus, terminalSizeDecoder } from './remote-command-messages.js';
import { serveRemoteCommandOverSpdy } from './spdy/remote-command.js';
import type { SpdySession } from './spdy/session.js';
import { isSpdyUpgrade } from './spdy/upgrade.js';
import { badRequest, notFound, statusOf, type ApiError } from './status.js';

/** Starts a process in a running container; its stdio are pipes. */
export type ContainerExec = (containerId: string, command: readonly string[]) => ChildProcess;

/** Starts a process in a running container on a terminal of its own (`exec -t`). */
export type ContainerTtyExec = (containerId: string, command: readonly string[]) => TerminalProcess;

export interface ExecRequest {
  namespace: string;
  pod: string;
  query: URLSearchParams;
}

/** What the client asked for (the exec query), resolved to a running container. */
export interface ExecTarget {
  containerId: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The client's ends of the process's stdio; an absent one was not requested. */
export interface ExecIo {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

export interface ExecRun {
  /** The final Status (kubelet's v4 error-stream Status), once the process ended and its output was written. */
  result: Promise<Status>;
  /** The client went away: the process is killed, as containerd kills an exec whose stream closed. */
  stop(): void;
  /** The client's terminal changed size; ignored without a TTY. */
  resize(size: TerminalSize): void;
}

/** Starts the session once the transport has the client's streams. */
export type RunSession = (io: ExecIo) => ExecRun;

const WS_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

/** The two transports of a remote command (exec, attach), and the sessions open on them. */
export class RemoteCommandTransports {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => WS_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  private readonly sessions = new Set<SpdySession>();

  constructor(
    private readonly subresource: string,
    private readonly logger: Logger,
  ) {}

  /** Answers the upgrade with the transport the client asked for, or throws a refusal before the handshake. */
  serve(req: IncomingMessage, socket: Duplex, head: Buffer, target: ExecTarget, run: RunSession): void {
    if (isSpdyUpgrade(req)) {
      const session = serveRemoteCommandOverSpdy(req, socket, head, target, run, this.logger);
      this.sessions.add(session);
      void session.closed.then(() => this.sessions.delete(session));
      return;
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (
      req.headers.upgrade?.toLowerCase() !== 'websocket' ||
      !offered.some((p) => WS_PROTOCOLS.includes(p))
    ) {
      throw badRequest(
        `podlet serves ${this.subresource} over WebSocket (v5.channel.k8s.io or v4.channel.k8s.io) or SPDY/3.1`,
      );
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => serveOverWebSocket(ws, target, run));
  }

  /**
   * A refusal from the node, as kube-apiserver relays it: over SPDY it proxies kubelet's reply as it is; a
   * WebSocket it accepts first, then reports the failed SPDY dial to kubelet as an InternalError Status
   * (apiserver pkg/util/proxy/streamtranslator.go).
   */
  refuse(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    target: ExecTarget,
    refusal: KubeletRefusal,
  ): void {
    if (isSpdyUpgrade(req)) return refuseUpgrade(socket, refusal);
    const message = `Internal error occurred: unable to upgrade connection: ${refusal.message}`;
    const status: Status = {
      metadata: {},
      status: 'Failure',
      message,
      reason: 'InternalError',
      details: { causes: [{ message: `unable to upgrade connection: ${refusal.message}` }] },
      code: 500,
    };
    const failed = { result: Promise.resolve(status), stop: () => undefined, resize: () => undefined };
    this.serve(req, socket, head, target, () => failed);
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    for (const session of this.sessions) session.close();
  }
}

/** kubelet's answer to a stream it will not serve: a plain-text 500 (kubelet server/streaming WriteError). */
export class KubeletRefusal extends Error {
  override name = 'KubeletRefusal';
}

export class ExecServer {
  private readonly transports: RemoteCommandTransports;

  constructor(
    private readonly store: ObjectStore,
    private readonly exec: ContainerExec,
    private readonly ttyExec: ContainerTtyExec,
    private readonly logger: Logger,
  ) {
    this.transports = new RemoteCommandTransports('exec', logger);
  }

  /** Checks the request before the handshake, so that a refusal is an HTTP Status kubectl can print. */
  upgrade(request: ExecRequest, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // The request is checked first: kubectl retries a refused WebSocket with SPDY and prints that answer.
    const target = this.resolve(request);
    if (target instanceof KubeletRefusal)
      return this.transports.refuse(req, socket, head, target.ask, target);
    const run: RunSession = (io) =>
      target.tty
        ? runOnTerminal(this.ttyExec, target, io, this.logger)
        : runInContainer(this.exec, target, io, this.logger);
    this.transports.serve(req, socket, head, target, run);
  }

  close(): void {
    this.transports.close();
  }

  /** The apiserver's checks (pod, command, container name), then kubelet's: the container must be running. */
  private resolve(request: ExecRequest): ExecTarget | ExecRefusal {
    const pod = this.store.get('pods', request.namespace, request.pod) as unknown as Pod | undefined;
    if (pod === undefined) throw notFound('pods', request.pod);
    const command = request.query.getAll('command');
    if (command.length === 0) throw badRequest('you must specify at least 1 command');
    const container = containerName(pod, request.query.get('container'));
    const flag = (name: string) => request.query.get(name) === 'true';
    const tty = flag('tty');
    const ask = {
      containerId: '',
      command,
      stdin: flag('stdin'),
      stdout: flag('stdout'),
      // A terminal has one output; kubelet drops stderr with a TTY (remotecommand.NewOptions).
      stderr: flag('stderr') && !tty,
      tty,
    };
    const status = containerStatus(pod, container);
    // kubelet looks for the container among the running ones (kubelet_pods.go GetExec, findContainer).
    if (status?.state?.running === undefined || !status.containerID) {
      return new ExecRefusal(`container not found ("${container}")`, ask);
    }
    return { ...ask, containerId: status.containerID.replace(/^[a-z]+:\/\//, '') };
  }
}

/** A refused exec keeps what the client asked for: a WebSocket is still accepted to carry the error. */
class ExecRefusal extends KubeletRefusal {
  constructor(
    message: string,
    readonly ask: ExecTarget,
  ) {
    super(message);
  }
}

/** Runs the command with the client's stdio; output the client did not ask for is dropped, as kubelet does. */
export function runInContainer(exec: ContainerExec, target: ExecTarget, io: ExecIo, logger: Logger): ExecRun {
  const child = exec(target.containerId, target.command);
  if (io.stdin && child.stdin) {
    io.stdin.pipe(child.stdin);
    // The process may exit before it read everything: that is its business, not an error of the session.
    child.stdin.on('error', () => io.stdin?.unpipe());
  } else child.stdin?.end();
  const outputs = [
    [child.stdout, io.stdout],
    [child.stderr, io.stderr],
  ] as const;
  for (const [from, to] of outputs) {
    if (to) from?.pipe(to);
    else from?.resume();
  }
  const result = new Promise<Status>((resolve) => {
    child.once('error', (err) => {
      logger.warn({ err, containerId: target.containerId }, 'exec failed');
      resolve(failureStatus(`exec failed: ${err.message}`));
    });
    child.once('close', (code) => {
      const written = outputs.flatMap(([, to]) =>
        to ? [finished(to, { readable: false }).catch(() => undefined)] : [],
      );
      void Promise.all(written).then(() => resolve(code === 0 ? successStatus() : exitStatus(code ?? 1)));
    });
  });
  return {
    result,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) {
        void killExecTree(child.pid, () => child.kill('SIGKILL'));
      }
    },
    resize: () => undefined,
  };
}

/**
 * `exec -t`: the terminal's output (stdout and stderr alike) goes to stdout, input to the terminal, sizes to the
 * terminal. A slow client pauses the terminal rather than buffering without bound.
 */
export function runOnTerminal(
  exec: ContainerTtyExec,
  target: ExecTarget,
  io: ExecIo,
  logger: Logger,
): ExecRun {
  let terminal: TerminalProcess;
  try {
    terminal = exec(target.containerId, target.command);
  } catch (err) {
    logger.warn({ err, containerId: target.containerId }, 'exec failed');
    const message = `exec failed: ${(err as Error).message}`;
    return {
      result: Promise.resolve(failureStatus(message)),
      stop: () => undefined,
      resize: () => undefined,
    };
  }
  const out = io.stdout;
  terminal.onData((data) => {
    if (out && !out.write(data)) {
      terminal.pause();
      out.once('drain', () => terminal.resume());
    }
  });
  // A terminal has no end of input: the client's stdin closing leaves the process reading its terminal.
  io.stdin?.on('data', (data: Buffer) => terminal.write(data));
  let exited = false;
  const result = new Promise<Status>((resolve) => {
    terminal.onExit((code) => {
      exited = true;
      out?.end();
      const written = out ? finished(out, { readable: false }).catch(() => undefined) : Promise.resolve();
      void written.then(() => resolve(code === 0 ? successStatus() : exitStatus(code)));
    });
  });
  return {
    result,
    stop: () => {
      if (!exited) void killExecTree(terminal.pid, () => terminal.kill('SIGKILL'));
    },
    resize: (size) => terminal.resize(size),
  };
}

function serveOverWebSocket(ws: WebSocket, target: ExecTarget, run: RunSession): void {
  const frame = (channel: number, data: Buffer | string, done?: (err?: Error) => void) => {
    if (ws.readyState !== ws.OPEN) return done?.(new Error('the WebSocket is closed'));
    ws.send(Buffer.concat([Buffer.of(channel), Buffer.from(data)]), done);
  };
  const finish = (status: Status) => {
    frame(ERROR, JSON.stringify(status));
    ws.close(1000);
  };
  const channel = (id: number) =>
    new Writable({ write: (chunk: Buffer, _enc, done) => frame(id, chunk, (err) => done(err ?? null)) });
  const stdin = target.stdin ? new PassThrough() : undefined;
  const execution = run({
    ...(stdin ? { stdin } : {}),
    ...(target.stdout ? { stdout: channel(STDOUT) } : {}),
    ...(target.stderr ? { stderr: channel(STDERR) } : {}),
  });
  const resizes = terminalSizeDecoder((size) => execution.resize(size));
  ws.on('message', (data: Buffer) => {
    if (data[0] === STDIN) stdin?.write(data.subarray(1));
    else if (data[0] === RESIZE) resizes(data.subarray(1));
    else if (data[0] === CLOSE && data[1] === STDIN) stdin?.end();
  });
  ws.on('close', () => execution.stop());
  void execution.result.then(finish);
}

/** A refusal before the handshake, written as an HTTP reply on the raw socket. */
export function refuseUpgrade(socket: Duplex, err: unknown): void {
  if (err instanceof KubeletRefusal)
    return replyRaw(socket, 500, 'Internal Server Error', 'text/plain', err.message);
  const status = statusOf(err as ApiError);
  replyRaw(socket, status.code, status.reason ?? 'Error', 'application/json', JSON.stringify(status));
}

function replyRaw(socket: Duplex, code: number, reason: string, type: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${code} ${reason}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
