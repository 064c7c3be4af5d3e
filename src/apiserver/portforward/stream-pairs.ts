// Pairs a port-forward connection's `error` and `data` streams by requestID, then joins the data stream to a TCP
// connection in the pod (kubelet pkg/cri/streaming/portforward/httpstream.go; the shutdown follows containerd's
// portForward: once one direction is done the other gets a moment, then both streams are closed).
import type { Duplex } from 'node:stream';
import type { Logger } from '../../util/log.js';
import type { SpdyStream } from '../spdy/stream.js';

export interface StreamPair {
  requestId: string;
  port: string;
  error: SpdyStream;
  data: SpdyStream;
}

interface PartialPair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** kubelet's DefaultStreamCreationTimeout. */
const PAIR_TIMEOUT_MS = 30_000;
/** containerd waits this long for the second direction once the first one is done. */
const SECOND_DIRECTION_GRACE_MS = 1_000;

export class StreamPairs {
  private readonly pending = new Map<string, PartialPair>();

  constructor(private readonly onPair: (pair: StreamPair) => void) {}

  add(stream: SpdyStream): void {
    const type = stream.headers['streamtype'];
    if (type !== 'error' && type !== 'data') {
      stream.destroy();
      return;
    }
    // Clients before requestID paired streams by id: the data stream is the one opened right after the error one.
    const requestId = stream.headers['requestid'] ?? String(type === 'error' ? stream.id : stream.id - 2);
    let partial = this.pending.get(requestId);
    if (partial === undefined) {
      partial = { timer: setTimeout(() => this.expire(requestId), PAIR_TIMEOUT_MS) };
      this.pending.set(requestId, partial);
    }
    partial[type] = stream;
    if (partial.error && partial.data) {
      clearTimeout(partial.timer);
      this.pending.delete(requestId);
      this.onPair({
        requestId,
        port: stream.headers['port'] ?? '',
        error: partial.error,
        data: partial.data,
      });
    }
  }

  close(): void {
    for (const partial of this.pending.values()) clearTimeout(partial.timer);
    this.pending.clear();
  }

  private expire(requestId: string): void {
    const partial = this.pending.get(requestId);
    this.pending.delete(requestId);
    if (partial?.error && !partial.error.destroyed) {
      partial.error.end(`timed out waiting for streams of request ${requestId}`);
    }
    partial?.data?.destroy();
  }
}

/** Dials the pod and copies both ways; a dial failure is written on the error stream, kubelet's way. */
export async function forwardPair(
  pair: StreamPair,
  dial: (port: number) => Promise<Duplex>,
  logger: Logger,
): Promise<void> {
  const { error, data } = pair;
  const port = /^\d+$/.test(pair.port) ? Number(pair.port) : NaN;
  if (!(port > 0 && port < 65536)) {
    error.end(`error parsing port number: ${pair.port}`);
    data.destroy();
    return;
  }
  let conn: Duplex;
  try {
    conn = await dial(port);
  } catch (err) {
    logger.info({ err, port, request: pair.requestId }, 'port-forward dial failed');
    if (!error.destroyed) error.end((err as Error).message);
    data.destroy();
    return;
  }
  join(conn, data, () => {
    conn.destroy();
    if (!error.destroyed) error.end();
    if (!data.destroyed) data.end();
  });
}

/** Copies both ways with half-closes; `done` runs once, when both directions ended or either side went away. */
function join(conn: Duplex, data: SpdyStream, done: () => void): void {
  let finished = false;
  let grace: NodeJS.Timeout | undefined;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(grace);
    done();
  };
  let directions = 2;
  const oneDone = () => {
    directions -= 1;
    if (directions === 0) return finish();
    grace = setTimeout(finish, SECOND_DIRECTION_GRACE_MS);
  };
  conn.pipe(data, { end: true });
  data.pipe(conn, { end: true });
  conn.once('end', oneDone);
  data.once('end', oneDone);
  data.once('close', finish);
  conn.once('close', finish);
  conn.on('error', finish);
  data.on('error', finish);
}
