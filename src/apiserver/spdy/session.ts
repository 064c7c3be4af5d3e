// The server end of a SPDY/3.1 session over any byte Duplex (a TLS socket after `101 Switching Protocols`, or a
// WebSocket carrying SPDY bytes). The peer opens the streams (odd ids), as kubectl does for exec and port-forward;
// each one is accepted with an empty SYN_REPLY once the handler has seen it, as Kubernetes' httpstream/spdy does.
import type { Duplex } from 'node:stream';
import type { Logger } from '../../util/log.js';
import {
  encodeDataHeader,
  encodeFrame,
  FrameParser,
  GOAWAY,
  RST,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SpdyProtocolError,
  type Frame,
} from './frames.js';
import { HeaderCodec } from './header-block.js';
import { SendWindows } from './send-windows.js';
import { SpdyStream, type StreamHost } from './stream.js';

export interface SpdySessionOptions {
  /** Called for each stream the peer opens; it is accepted (SYN_REPLY) unless the handler destroys it at once. */
  onStream: (stream: SpdyStream) => void;
  logger: Logger;
}

/** SPDY/3.1's default window, for streams and for the session. */
export const INITIAL_WINDOW = 64 * 1024;
/** Windows are credited back in batches rather than after every frame. */
const CREDIT_THRESHOLD = INITIAL_WINDOW / 2;
/**
 * What one DATA frame carries at most. Large frames cost kubectl far less (spdystream hands each frame to its reader
 * through a channel: a goroutine wake-up per frame), and a frame of 1 MiB still leaves the connection in about a
 * millisecond, so streams sharing it keep taking turns.
 */
const MAX_DATA_FRAME = 1024 * 1024;
const END_GRACE_MS = 5_000;

export class SpdySession implements StreamHost {
  private readonly streams = new Map<number, SpdyStream>();
  private readonly blocked = new Set<number>();
  private readonly codec = new HeaderCodec();
  private readonly windows = new SendWindows(INITIAL_WINDOW);
  private readonly credit = new Map<number, number>();
  private readonly parser = new FrameParser();
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private goneAway = false;
  private ended = false;
  private readonly done: Promise<void>;
  private finish!: () => void;

  constructor(
    private readonly socket: Duplex,
    private readonly options: SpdySessionOptions,
    head: Buffer = Buffer.alloc(0),
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    socket.on('data', (chunk: Buffer) => this.onBytes(chunk));
    // Frames that arrived before the end are still handled first.
    const ended = () => void this.inbound.then(() => this.terminate());
    socket.on('end', ended);
    socket.on('close', ended);
    socket.on('error', (err) => {
      options.logger.debug({ err }, 'spdy connection failed');
      this.terminate();
    });
    if (head.length > 0) this.onBytes(head);
  }

  /** Resolves when the connection is gone, whoever closed it. */
  get closed(): Promise<void> {
    return this.done;
  }

  /** Says GOAWAY, drops every stream, and ends the connection once what is queued has been written. */
  close(): void {
    this.goAway(GOAWAY.ok);
  }

  sendData(streamId: number, chunks: readonly Buffer[], fin: boolean): Promise<void> {
    return this.sendChunks(streamId, chunks, fin);
  }

  consumed(streamId: number, bytes: number): void {
    for (const id of [streamId, 0]) {
      const owed = (this.credit.get(id) ?? 0) + bytes;
      if (owed < CREDIT_THRESHOLD) {
        this.credit.set(id, owed);
        continue;
      }
      this.credit.set(id, 0);
      if (id === 0 || this.streams.has(id)) {
        this.post(() => encodeFrame({ type: 'window_update', streamId: id, delta: owed }));
      }
    }
  }

  unblocked(streamId: number): void {
    if (this.blocked.delete(streamId) && this.blocked.size === 0) this.socket.resume();
  }

  abandoned(streamId: number): void {
    if (!this.ended) this.reset(streamId, RST.cancel);
  }

  forget(streamId: number): void {
    this.streams.delete(streamId);
    this.credit.delete(streamId);
    this.windows.remove(streamId);
    this.unblocked(streamId);
  }

  /** The chunks go out as few DATA frames as the windows and MAX_DATA_FRAME allow, each payload uncopied. */
  private async sendChunks(streamId: number, chunks: readonly Buffer[], fin: boolean): Promise<void> {
    const pending = new ByteQueue(chunks);
    let written: Promise<void> = Promise.resolve();
    do {
      // Only the last frame's promise is returned; a failure of an earlier one fails that one too.
      written.catch(() => undefined);
      const size = await this.windows.reserve(streamId, Math.min(pending.length, MAX_DATA_FRAME));
      const payload = pending.take(size);
      const last = pending.length === 0;
      written = this.enqueue(() => [encodeDataHeader(streamId, fin && last, size), ...payload]);
    } while (pending.length > 0);
    return written;
  }

  private onBytes(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.parser.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const frame of frames) {
      this.inbound = this.inbound.then(() => this.handle(frame)).catch((err: unknown) => this.fail(err));
    }
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.ended) return;
    switch (frame.type) {
      case 'syn_stream':
        return this.accept(frame, await this.codec.decompress(frame.headerBlock));
      case 'headers':
      case 'syn_reply':
        // Trailing headers add nothing podlet uses, but they advance the peer's compression context.
        await this.codec.decompress(frame.headerBlock);
        if (frame.fin) this.streams.get(frame.streamId)?.remoteFinished();
        return;
      case 'data':
        return this.onData(frame.streamId, frame.data, frame.fin);
      case 'rst_stream':
        this.streams.get(frame.streamId)?.terminate();
        return;
      case 'settings':
        for (const e of frame.entries) {
          if (e.id === SETTINGS_INITIAL_WINDOW_SIZE) this.windows.setInitial(e.value);
        }
        return;
      case 'window_update':
        if (frame.delta === 0) throw new SpdyProtocolError('WINDOW_UPDATE with a zero delta');
        this.windows.grow(frame.streamId, frame.delta);
        return;
      case 'ping':
        // Our own pings would be even; an odd id is the peer's, and is answered with the same id.
        if (frame.id % 2 === 1) this.post(() => encodeFrame(frame));
        return;
      case 'goaway':
        this.goneAway = true;
        return;
    }
  }

  private accept(frame: Extract<Frame, { type: 'syn_stream' }>, headers: Record<string, string>): void {
    const { streamId } = frame;
    if (streamId % 2 === 0 || streamId <= this.lastStreamId) {
      throw new SpdyProtocolError(`stream id ${streamId} after ${this.lastStreamId}`);
    }
    this.lastStreamId = streamId;
    if (this.goneAway) return this.reset(streamId, RST.refusedStream);
    const stream = new SpdyStream(this, streamId, headers);
    this.streams.set(streamId, stream);
    this.windows.open(streamId);
    if (frame.unidirectional) stream.end();
    if (frame.fin) stream.remoteFinished();
    this.options.onStream(stream);
    if (!stream.destroyed) {
      this.post(() =>
        this.codec
          .compress({})
          .then((headerBlock) => encodeFrame({ type: 'syn_reply', streamId, fin: false, headerBlock })),
      );
    }
  }

  private onData(streamId: number, data: Buffer, fin: boolean): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) return this.reset(streamId, RST.invalidStream);
    if (stream.isRemoteClosed) return this.reset(streamId, RST.streamAlreadyClosed);
    if (data.length > 0 && !stream.receive(data)) {
      this.blocked.add(streamId);
      this.socket.pause();
    }
    if (fin) stream.remoteFinished();
  }

  private reset(streamId: number, status: number): void {
    this.post(() => encodeFrame({ type: 'rst_stream', streamId, status }));
  }

  /** A frame nobody waits for: a failure to send it has already failed the session. */
  private post(build: () => Buffer | Promise<Buffer>): void {
    this.enqueue(build).catch(() => undefined);
  }

  /**
   * Frames leave in the order they were queued: header blocks share one deflate context. A frame in several pieces
   * is written corked, so that the connection sees it as one write.
   */
  private enqueue(build: () => Buffer | Buffer[] | Promise<Buffer>): Promise<void> {
    const sent = this.outbound.then(async () => {
      const bytes = await build();
      if (this.socket.destroyed || this.socket.writableEnded) return;
      if (!writeAll(this.socket, bytes)) await this.drained();
    });
    this.outbound = sent.catch((err: unknown) => this.fail(err));
    return sent;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private fail(err: unknown): void {
    if (this.ended) return;
    this.options.logger.warn({ err }, 'spdy session failed');
    this.goAway(err instanceof SpdyProtocolError ? GOAWAY.protocolError : GOAWAY.internalError);
  }

  private goAway(status: number): void {
    if (this.ended) return;
    this.goneAway = true;
    this.post(() => encodeFrame({ type: 'goaway', lastGoodStreamId: this.lastStreamId, status }));
    void this.outbound.then(() => this.terminate());
  }

  /** Streams end here; the connection is ended, not destroyed, so that frames already queued still reach the peer. */
  private terminate(): void {
    if (this.ended) return;
    this.ended = true;
    this.windows.closeAll();
    for (const stream of [...this.streams.values()]) stream.terminate();
    this.codec.close();
    if (!this.socket.destroyed) {
      this.socket.end();
      // A peer that never closes its side must not hold the connection open.
      setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref();
    }
    this.finish();
  }
}

/** Writes one buffer, or several as one corked write; false when the socket wants a drain first. */
function writeAll(socket: Duplex, bytes: Buffer | Buffer[]): boolean {
  if (Buffer.isBuffer(bytes)) return socket.write(bytes);
  socket.cork();
  let ok = true;
  for (const piece of bytes) ok = socket.write(piece);
  socket.uncork();
  return ok;
}

/** Bytes queued as chunks, taken from the front without copying. */
class ByteQueue {
  length: number;
  private readonly chunks: Buffer[];

  constructor(chunks: readonly Buffer[]) {
    this.chunks = chunks.filter((c) => c.length > 0);
    this.length = this.chunks.reduce((sum, c) => sum + c.length, 0);
  }

  take(bytes: number): Buffer[] {
    const taken: Buffer[] = [];
    let wanted = bytes;
    while (wanted > 0) {
      const first = this.chunks[0]!;
      if (first.length <= wanted) {
        taken.push(first);
        this.chunks.shift();
        wanted -= first.length;
      } else {
        taken.push(first.subarray(0, wanted));
        this.chunks[0] = first.subarray(wanted);
        wanted = 0;
      }
    }
    this.length -= bytes;
    return taken;
  }
}
