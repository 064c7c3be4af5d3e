// pods/{name}/exec over WebSocket with the channel protocol kubectl speaks (v5.channel.k8s.io, also v4): stdin on
// channel 0, stdout 1, stderr 2, the final Status on 3, and (v5) 255 to close a stream. No TTY yet.
import type { ChildProcess } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import { containerName, containerStatus } from './pod-containers.js';
import { badRequest, notFound, statusOf, type ApiError } from './status.js';

/** Starts a process in a running container; its stdio are pipes. */
export type ContainerExec = (containerId: string, command: readonly string[]) => ChildProcess;

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

export interface ExecRequest {
  namespace: string;
  pod: string;
  query: URLSearchParams;
}

export class ExecServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  constructor(
    private readonly store: ObjectStore,
    private readonly exec: ContainerExec,
    private readonly logger: Logger,
  ) {}

  /** Checks the request before the handshake, so that a refusal is an HTTP Status kubectl can print. */
  upgrade(request: ExecRequest, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // The request is checked first: kubectl retries a refused WebSocket with SPDY and prints that answer.
    const { containerId, command } = this.resolve(request);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || !offered.some((p) => PROTOCOLS.includes(p))) {
      throw badRequest('podlet serves exec over WebSocket (v5.channel.k8s.io or v4.channel.k8s.io) only');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.run(ws, containerId, command, request.query));
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private resolve(request: ExecRequest): { containerId: string; command: string[] } {
    const pod = this.store.get('pods', request.namespace, request.pod) as unknown as Pod | undefined;
    if (pod === undefined) throw notFound('pods', request.pod);
    const command = request.query.getAll('command');
    if (command.length === 0) throw badRequest('you must specify at least 1 command');
    const container = containerName(pod, request.query.get('container'));
    const status = containerStatus(pod, container);
    if (status?.state?.running === undefined || !status.containerID) {
      throw badRequest(`container ${container} is not running`);
    }
    return { containerId: status.containerID.replace(/^[a-z]+:\/\//, ''), command };
  }

  private run(ws: WebSocket, containerId: string, command: string[], query: URLSearchParams): void {
    const frame = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.of(channel), Buffer.from(data)]));
    };
    if (query.get('tty') === 'true') {
      frame(
        ERROR,
        JSON.stringify(failureStatus('a TTY is not supported by podlet yet: run kubectl exec without -t')),
      );
      ws.close(1000);
      return;
    }
    const child = this.exec(containerId, command);
    const wantsStdin = query.get('stdin') === 'true';
    if (!wantsStdin) child.stdin?.end();
    child.stdout?.on('data', (d: Buffer) => frame(STDOUT, d));
    child.stderr?.on('data', (d: Buffer) => frame(query.get('stderr') === 'false' ? STDOUT : STDERR, d));
    ws.on('message', (data: Buffer) => {
      const channel = data[0];
      if (channel === STDIN && wantsStdin) child.stdin?.write(data.subarray(1));
      else if (channel === CLOSE && data[1] === STDIN) child.stdin?.end();
    });
    ws.on('close', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('error', (err) => {
      this.logger.warn({ err, containerId }, 'exec failed');
      frame(ERROR, JSON.stringify(failureStatus(`exec failed: ${err.message}`)));
      ws.close(1000);
    });
    child.on('close', (code) => {
      frame(ERROR, JSON.stringify(code === 0 ? { metadata: {}, status: 'Success' } : exitStatus(code ?? 1)));
      ws.close(1000);
    });
  }
}

/** The v4+ channel-3 Status of a command that exited non-zero: kubectl exits with the same code. */
function exitStatus(code: number) {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function failureStatus(message: string) {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError' };
}

/** A refusal before the handshake, written as an HTTP reply on the raw socket. */
export function refuseUpgrade(socket: Duplex, err: unknown): void {
  const status = statusOf(err as ApiError);
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
