// A tiny SPDY/3.1 client for the session tests: it opens streams as kubectl does and records every frame.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { encodeFrame, FrameParser, type Frame } from '../../../../src/apiserver/spdy/frames.js';
import { HeaderCodec, type HeaderMap } from '../../../../src/apiserver/spdy/header-block.js';

export class SpdyTestClient {
  readonly frames: Frame[] = [];
  readonly replyHeaders = new Map<number, HeaderMap>();
  private readonly parser = new FrameParser();
  private readonly codec = new HeaderCodec();
  private nextId = 1;
  private decoding: Promise<void> = Promise.resolve();
  private listeners: (() => void)[] = [];
  ended = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.parser.push(chunk)) {
        this.decoding = this.decoding.then(async () => {
          if (frame.type === 'syn_reply')
            this.replyHeaders.set(frame.streamId, await this.codec.decompress(frame.headerBlock));
          this.frames.push(frame);
          this.notify();
        });
      }
    });
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  async openStream(headers: HeaderMap, fin = false): Promise<number> {
    const streamId = this.nextId;
    this.nextId += 2;
    const headerBlock = await this.codec.compress(headers);
    this.send({
      type: 'syn_stream',
      streamId,
      associatedId: 0,
      priority: 0,
      slot: 0,
      fin,
      unidirectional: false,
      headerBlock,
    });
    return streamId;
  }

  send(frame: Frame): void {
    this.socket.write(encodeFrame(frame));
  }

  /** Resolves when `check` holds over the frames seen so far; fails after the deadline. */
  async until<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()) + 1);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  dataOf(streamId: number): Buffer {
    return Buffer.concat(
      this.frames.flatMap((f) => (f.type === 'data' && f.streamId === streamId ? [f.data] : [])),
    );
  }

  finished(streamId: number): boolean {
    return this.frames.some((f) => f.type === 'data' && f.streamId === streamId && f.fin);
  }

  close(): void {
    this.codec.close();
    this.socket.destroy();
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }
}

/** A loopback server handing each connection to `serve`, and a connected test client. */
export async function loopback(
  serve: (socket: Socket) => void,
): Promise<{ client: SpdyTestClient; server: Server }> {
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { client: new SpdyTestClient(socket), server };
}
