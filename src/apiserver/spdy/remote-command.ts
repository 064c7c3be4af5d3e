// exec and attach over SPDY/3.1 as kubelet serves them (kubelet pkg/cri/streaming/remotecommand/{httpstream,exec}.go):
// the client opens one stream per stdio (and `resize` with a TTY) with a `streamType` header, the server waits for
// the set the query asked for, runs the session, writes the outcome on the `error` stream and closes the connection.
// v4 writes a Status as JSON (exit codes reach kubectl); v2 and v3 write only a failure, as text.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Status } from 'kubernetes-types/meta/v1.js';
import type { Logger } from '../../util/log.js';
import type { ExecTarget, RunSession } from '../exec.js';
import { terminalSizeDecoder } from '../remote-command-messages.js';
import { SpdySession } from './session.js';
import type { SpdyStream } from './stream.js';
import { acceptSpdyUpgrade, negotiateStreamProtocol } from './upgrade.js';

export const REMOTE_COMMAND_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io'];

/** kubelet's DefaultStreamCreationTimeout. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

/** Answers the upgrade (or throws a refusal before it) and serves the exec on the SPDY session it returns. */
export function serveRemoteCommandOverSpdy(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: ExecTarget,
  run: RunSession,
  logger: Logger,
): SpdySession {
  const protocol = negotiateStreamProtocol(req, REMOTE_COMMAND_PROTOCOLS);
  acceptSpdyUpgrade(socket, protocol);
  const expected = expectedStreams(target, protocol);
  const streams = new Map<StreamType, SpdyStream>();
  let ready!: (value: 'ready') => void;
  const allThere = new Promise<'ready'>((resolve) => (ready = resolve));
  const session = new SpdySession(
    socket,
    {
      onStream: (stream) => {
        const type = stream.headers['streamtype'] as StreamType | undefined;
        if (type === undefined || !expected.includes(type) || streams.has(type)) {
          logger.debug({ type }, 'exec: unexpected stream');
          stream.destroy();
          return;
        }
        streams.set(type, stream);
        if (expected.every((t) => streams.has(t))) ready('ready');
      },
      logger,
    },
    head,
  );
  void serve(session, allThere, streams, protocol, run, logger);
  return session;
}

function expectedStreams(target: ExecTarget, protocol: string): StreamType[] {
  const types: StreamType[] = ['error'];
  if (target.stdin) types.push('stdin');
  if (target.stdout) types.push('stdout');
  // With a TTY stderr is merged into stdout by the terminal; kubectl opens no stream for it.
  if (target.stderr && !target.tty) types.push('stderr');
  if (target.tty && protocol !== 'v2.channel.k8s.io') types.push('resize');
  return types;
}

async function serve(
  session: SpdySession,
  allThere: Promise<'ready'>,
  streams: Map<StreamType, SpdyStream>,
  protocol: string,
  run: RunSession,
  logger: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STREAM_CREATION_TIMEOUT_MS);
  });
  const outcome = await Promise.race([allThere, timedOut, session.closed.then(() => 'gone' as const)]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    if (outcome === 'timeout') logger.info('exec: timed out waiting for client to create streams');
    return session.close();
  }
  const stdin = streams.get('stdin');
  const stdout = streams.get('stdout');
  const stderr = streams.get('stderr');
  const execution = run({
    ...(stdin ? { stdin } : {}),
    ...(stdout ? { stdout } : {}),
    ...(stderr ? { stderr } : {}),
  });
  streams.get('resize')?.on(
    'data',
    terminalSizeDecoder((size) => execution.resize(size)),
  );
  void session.closed.then(() => execution.stop());
  finish(session, streams.get('error'), protocol, await execution.result);
}

function finish(session: SpdySession, error: SpdyStream | undefined, protocol: string, status: Status): void {
  if (error === undefined || error.destroyed) return session.close();
  if (protocol === 'v4.channel.k8s.io') error.write(JSON.stringify(status));
  else if (status.status !== 'Success') error.write(status.message ?? 'command failed');
  error.end(() => session.close());
}
