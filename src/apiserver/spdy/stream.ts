// One SPDY stream as a node Duplex: what the peer sends is readable, what we write goes out as DATA frames, and
// end() is our half-close (an empty DATA frame with FLAG_FIN). The session owns framing and flow control.
import { Duplex } from 'node:stream';
import type { HeaderMap } from './header-block.js';

/** What a stream needs from its session. */
export interface StreamHost {
  /** Sends the chunks as DATA frames within the peer's windows; resolves once written to the connection. */
  sendData(streamId: number, chunks: readonly Buffer[], fin: boolean): Promise<void>;
  /** The reader took these bytes: the session may credit the peer's window. */
  consumed(streamId: number, bytes: number): void;
  /** The stream's reader wants more: input paused for it may resume. */
  unblocked(streamId: number): void;
  /** The stream went away before both sides closed it: the peer gets RST_STREAM CANCEL. */
  abandoned(streamId: number): void;
  /** The stream is gone for good. */
  forget(streamId: number): void;
}

/**
 * What a stream buffers before it pushes back. Outbound, room for many socket reads: what queues while a frame is
 * being written leaves as one large frame, and the pod's socket is paused and resumed less often (measured: about a
 * fifth less CPU in podlet per 100 MB than with 1 MiB). Inbound, pushing back pauses the whole connection.
 */
const OUTBOUND_BUFFER = 4 * 1024 * 1024;
const INBOUND_BUFFER = 1024 * 1024;

export class SpdyStream extends Duplex {
  /** The peer reset the stream (RST_STREAM) or the connection ended under it. */
  wasReset = false;
  private owed = 0;
  private remoteClosed = false;
  private localClosed = false;

  constructor(
    private readonly host: StreamHost,
    readonly id: number,
    /** The headers of the peer's SYN_STREAM. */
    readonly headers: HeaderMap,
  ) {
    super({
      allowHalfOpen: true,
      writableHighWaterMark: OUTBOUND_BUFFER,
      readableHighWaterMark: INBOUND_BUFFER,
    });
    this.once('finish', () => (this.localClosed = true));
    // After the peer's FIN node calls _read no more: what was still owed is credited once the reader has it all.
    this.once('end', () => {
      this.settle();
      this.host.unblocked(this.id);
    });
  }

  /** Data from the peer; false when the reader is behind and the session should stop reading the connection. */
  receive(data: Buffer): boolean {
    const keepsUp = this.push(data);
    if (keepsUp) this.host.consumed(this.id, data.length);
    else this.owed += data.length;
    return keepsUp;
  }

  /** The peer half-closed the stream (FLAG_FIN). */
  remoteFinished(): void {
    this.remoteClosed = true;
    this.push(null);
  }

  get isRemoteClosed(): boolean {
    return this.remoteClosed;
  }

  /** The peer reset the stream or the session ended: no frame goes back for it. */
  terminate(): void {
    this.wasReset = true;
    this.destroy();
  }

  override _read(): void {
    this.settle();
    this.host.unblocked(this.id);
  }

  private settle(): void {
    if (this.owed === 0) return;
    this.host.consumed(this.id, this.owed);
    this.owed = 0;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.host.sendData(this.id, [chunk], false).then(() => callback(), callback);
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (err?: Error | null) => void,
  ): void {
    this.host
      .sendData(
        this.id,
        chunks.map((c) => c.chunk),
        false,
      )
      .then(() => callback(), callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.host.sendData(this.id, [], true).then(() => callback(), callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.wasReset && !(this.remoteClosed && this.localClosed)) this.host.abandoned(this.id);
    this.host.forget(this.id);
    callback(err);
  }
}
