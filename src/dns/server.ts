// The listening side of cluster DNS: UDP and TCP on one address and port, each message handed to the QueryHandler.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../util/log.js';
import { ipFamily } from './addresses.js';
import type { QueryHandler } from './query-handler.js';
import { readTcpFrames, tcpFrame } from './tcp-frames.js';

export interface DnsServerOptions {
  address: string;
  /** 53 for pods; 0 picks a free port (the same one for UDP and TCP), for tests. */
  port: number;
  handler: QueryHandler;
  logger: Logger;
}

/** The address or port cannot be bound: another DNS server holds it, or the address is not on this host. */
export class DnsListenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DnsListenError';
  }
}

/** An idle TCP client is dropped after this long (RFC 7766 section 6.2.3 suggests seconds, not minutes). */
const TCP_IDLE_MS = 10_000;

export class DnsServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly clients = new Set<Socket>();
  private boundPort = 0;

  private constructor(private readonly options: DnsServerOptions) {}

  static async start(options: DnsServerOptions): Promise<DnsServer> {
    const server = new DnsServer(options);
    try {
      await server.listen();
    } catch (e) {
      await server.close();
      throw new DnsListenError(
        `cluster DNS cannot listen on ${options.address}:${options.port}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.destroy();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp?.listening) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const { address, port } = this.options;
    const udp = createSocket(ipFamily(address) === 6 ? 'udp6' : 'udp4');
    this.udp = udp;
    udp.on('message', (message, peer) => this.onDatagram(udp, message, peer.address, peer.port));
    udp.on('error', (err) => this.options.logger.error({ err }, 'cluster DNS: UDP socket error'));
    const bound = once(udp, 'listening');
    udp.bind({ address, port, exclusive: true });
    await Promise.race([bound, once(udp, 'error').then(([e]) => Promise.reject(e as Error))]);
    this.boundPort = udp.address().port;
    const tcp = createServer((socket) => this.onConnection(socket));
    this.tcp = tcp;
    tcp.listen({ host: address, port: this.boundPort, exclusive: true });
    await Promise.race([
      once(tcp, 'listening'),
      once(tcp, 'error').then(([e]) => Promise.reject(e as Error)),
    ]);
    tcp.on('error', (err) => this.options.logger.error({ err }, 'cluster DNS: TCP server error'));
  }

  private onDatagram(udp: UdpSocket, message: Buffer, host: string, port: number): void {
    this.options.handler.handle(message, 'udp').then(
      (response) => {
        if (response && this.udp === udp) udp.send(response, port, host);
      },
      (err: unknown) => this.options.logger.error({ err }, 'cluster DNS: query failed'),
    );
  }

  private onConnection(socket: Socket): void {
    this.clients.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => socket.destroy());
    readTcpFrames(socket, (message) => {
      this.options.handler.handle(message, 'tcp').then(
        (response) => {
          if (response && !socket.destroyed) socket.write(tcpFrame(response));
        },
        (err: unknown) => this.options.logger.error({ err }, 'cluster DNS: query failed'),
      );
    });
  }
}
