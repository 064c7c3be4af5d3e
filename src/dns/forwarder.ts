// Names outside the cluster go to the host's resolvers, as CoreDNS's `forward . /etc/resolv.conf` does: the query
// as the pod sent it, over the transport it came on, to each upstream in turn until one answers.
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import { ipFamily } from './addresses.js';
import { readTcpFrames, tcpFrame } from './tcp-frames.js';

export interface Upstream {
  host: string;
  port: number;
}

export type Transport = 'udp' | 'tcp';

export interface ForwarderOptions {
  upstreams: readonly Upstream[];
  /** How long one upstream has to answer before the next one is asked. */
  timeoutMs: number;
}

/** No upstream answered: the client gets SERVFAIL. */
export class ForwardError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ForwardError';
  }
}

export const DNS_PORT = 53;
/** The largest UDP answer podlet reads from an upstream (the EDNS maximum). */
const MAX_UDP_BYTES = 65535;

/**
 * The nameservers of a resolv.conf, less podlet's own addresses (a pod-facing server forwarding to itself would
 * loop, as CoreDNS's forward plugin warns).
 */
export function upstreamsFromResolvConf(text: string, own: readonly string[]): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const [key, host] = line.trim().split(/\s+/);
    if (key !== 'nameserver' || host === undefined || ipFamily(host) === 0 || own.includes(host)) continue;
    out.push({ host, port: DNS_PORT });
  }
  return out;
}

export class UpstreamForwarder {
  constructor(private readonly options: ForwarderOptions) {}

  /** The upstream's answer to `query`, with the client's message ID. */
  async forward(query: Buffer, transport: Transport): Promise<Buffer> {
    if (query.length < 12) throw new ForwardError('query shorter than a DNS header');
    if (this.options.upstreams.length === 0) throw new ForwardError('no upstream resolvers configured');
    const clientId = query.readUInt16BE(0);
    // A fresh ID and source port per query: an off-path spoofed answer has to guess both.
    const id = randomInt(0, 0x10000);
    const outgoing = Buffer.from(query);
    outgoing.writeUInt16BE(id, 0);
    const failures: string[] = [];
    for (const upstream of this.options.upstreams) {
      try {
        const reply =
          transport === 'udp'
            ? await exchangeUdp(upstream, outgoing, id, this.options.timeoutMs)
            : await exchangeTcp(upstream, outgoing, id, this.options.timeoutMs);
        const answer = Buffer.from(reply);
        answer.writeUInt16BE(clientId, 0);
        return answer;
      } catch (e) {
        failures.push(`${upstream.host}:${upstream.port}: ${(e as Error).message}`);
      }
    }
    throw new ForwardError(`no upstream answered over ${transport} (${failures.join('; ')})`);
  }
}

/** Waits for one answer: `start` begins the exchange and returns how to tear it down; the first outcome wins. */
function exchange(
  timeoutMs: number,
  start: (settle: (error: Error | undefined, reply?: Buffer) => void) => () => void,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let teardown = (): void => undefined;
    let settled = false;
    const settle = (error: Error | undefined, reply?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      teardown();
      if (error || !reply) reject(error ?? new Error('no answer'));
      else resolve(reply);
    };
    const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    teardown = start(settle);
  });
}

function exchangeUdp(upstream: Upstream, query: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return exchange(timeoutMs, (settle) => {
    const socket = createSocket({
      type: ipFamily(upstream.host) === 6 ? 'udp6' : 'udp4',
      recvBufferSize: MAX_UDP_BYTES,
    });
    socket.on('error', (e) => settle(e));
    socket.on('message', (reply, from) => {
      // Anything but the upstream's answer to this ID is ignored, not taken as the answer.
      if (from.address !== upstream.host || from.port !== upstream.port) return;
      if (reply.length >= 12 && reply.readUInt16BE(0) === id) settle(undefined, reply);
    });
    socket.send(query, upstream.port, upstream.host, (e) => {
      if (e) settle(e);
    });
    return () => socket.close();
  });
}

function exchangeTcp(upstream: Upstream, query: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return exchange(timeoutMs, (settle) => {
    const socket = connect({ host: upstream.host, port: upstream.port });
    socket.on('error', (e) => settle(e));
    socket.on('end', () => settle(new Error('connection closed before the answer')));
    readTcpFrames(socket, (reply) => {
      if (reply.length >= 12 && reply.readUInt16BE(0) === id) settle(undefined, reply);
    });
    socket.write(tcpFrame(query));
    return () => socket.destroy();
  });
}
