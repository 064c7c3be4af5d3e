// The grpc probe (pkg/probe/grpc/grpc.go): grpc.health.v1.Health/Check over HTTP/2 cleartext with prior knowledge.
import http2 from 'node:http2';
import { STATUS_CODES } from 'node:http';
import type { GRPCAction } from 'kubernetes-types/core/v1.js';
import { formatGoDuration } from '../../api/go-duration.js';
import { errorMessage, joinHostPort, KUBE_VERSION } from './go-text.js';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, SERVING_STATUS } from './grpc-health-codec.js';
import type { HandlerTarget, ProbeOutcome } from './types.js';

/** google.golang.org/grpc/codes names, by number. */
const CODE_NAMES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];
const UNIMPLEMENTED = 12;
const DEADLINE_EXCEEDED = 4;
/** grpc-go's first reconnect back-off (backoff.DefaultConfig.BaseDelay). */
const RECONNECT_DELAY_MS = 1000;

/** The end of one Check call: a status with its message, or the serving status when the status is OK. */
type CallEnd = { code: number; message: string } | { code: 0; serving: number };

/**
 * Every outcome is a success or a failure, like grpc_health_probe (grpc.go: "err is always nil"). kubelet dials
 * with WithBlock, so a refused connection is retried until the timeout and then reported as a connect timeout.
 */
export async function grpcProbe(
  action: GRPCAction,
  target: HandlerTarget,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const addr = joinHostPort(target.podIP, action.port);
  const within = formatGoDuration(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  const session = await connectUntil(addr, deadline);
  if (!session)
    return failure(
      `timeout: failed to connect service ${JSON.stringify(addr)} within ${within}: context deadline exceeded`,
    );
  try {
    const end = await check(session, action.service ?? '', deadline);
    if ('serving' in end) {
      if (end.serving === 1) return { result: 'success', output: 'service healthy' };
      const name = SERVING_STATUS[end.serving] ?? String(end.serving);
      return failure(`service unhealthy (responded with ${JSON.stringify(name)})`);
    }
    if (end.code === UNIMPLEMENTED)
      return failure(
        `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${end.message}`,
      );
    if (end.code === DEADLINE_EXCEEDED)
      return failure(`timeout: health rpc did not complete within ${within}`);
    const name = CODE_NAMES[end.code] ?? `Code(${end.code})`;
    return failure(`error: health rpc probe failed: rpc error: code = ${name} desc = ${end.message}`);
  } finally {
    session.destroy();
  }
}

function failure(output: string): ProbeOutcome {
  return { result: 'failure', output };
}

async function connectUntil(addr: string, deadline: number): Promise<http2.ClientHttp2Session | undefined> {
  for (;;) {
    const session = await connectOnce(addr, deadline);
    if (session) return session;
    const wait = Math.min(RECONNECT_DELAY_MS, deadline - Date.now());
    if (wait <= 0) return undefined;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

function connectOnce(addr: string, deadline: number): Promise<http2.ClientHttp2Session | undefined> {
  return new Promise((resolve) => {
    const session = http2.connect(`http://${addr}`);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      session.removeAllListeners('connect');
      if (!ok) session.destroy();
      resolve(ok ? session : undefined);
    };
    const timer = setTimeout(() => done(false), Math.max(0, deadline - Date.now()));
    session.once('connect', () => done(true));
    session.once('error', () => done(false));
  });
}

/** One unary call; the deadline also travels to the server as grpc-timeout. */
function check(session: http2.ClientHttp2Session, service: string, deadline: number): Promise<CallEnd> {
  return new Promise((resolve) => {
    const remaining = Math.max(1, deadline - Date.now());
    let httpStatus = 0;
    let grpcStatus: string | undefined;
    let grpcMessage = '';
    const chunks: Buffer[] = [];
    const stream = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': `kube-probe/${KUBE_VERSION}`,
      'grpc-timeout': `${remaining}m`,
    });
    const finish = (end: CallEnd): void => {
      clearTimeout(timer);
      stream.removeAllListeners();
      stream.on('error', () => undefined);
      stream.close(http2.constants.NGHTTP2_CANCEL);
      resolve(end);
    };
    const timer = setTimeout(
      () => finish({ code: DEADLINE_EXCEEDED, message: 'context deadline exceeded' }),
      remaining,
    );
    const readStatus = (headers: http2.IncomingHttpHeaders): void => {
      if (headers['grpc-status'] !== undefined) grpcStatus = String(headers['grpc-status']);
      if (headers['grpc-message'] !== undefined)
        grpcMessage = decodeGrpcMessage(String(headers['grpc-message']));
    };
    stream.on('response', (headers) => {
      httpStatus = Number(headers[':status']);
      readStatus(headers);
    });
    stream.on('trailers', readStatus);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => finish(callEnd(httpStatus, grpcStatus, grpcMessage, Buffer.concat(chunks))));
    stream.on('error', (err) => finish({ code: 14, message: errorMessage(err) }));
    stream.end(encodeHealthCheckRequest(service));
  });
}

function callEnd(httpStatus: number, grpcStatus: string | undefined, message: string, body: Buffer): CallEnd {
  if (httpStatus !== 200)
    return {
      code: codeForHttpStatus(httpStatus),
      message: `unexpected HTTP status code received from server: ${httpStatus} (${STATUS_CODES[httpStatus] ?? ''})`,
    };
  if (grpcStatus === undefined)
    return { code: 13, message: 'server closed the stream without sending trailers' };
  const code = Number(grpcStatus);
  if (code !== 0) return { code, message };
  try {
    return { code: 0, serving: decodeHealthCheckResponse(body) };
  } catch (err) {
    return { code: 13, message: `grpc: failed to unmarshal the received message: ${errorMessage(err)}` };
  }
}

/** grpc-go's HTTP status to code mapping for responses that are not gRPC (internal/transport http_util.go). */
function codeForHttpStatus(status: number): number {
  const map: Record<number, number> = {
    400: 13,
    401: 16,
    403: 7,
    404: 12,
    429: 14,
    502: 14,
    503: 14,
    504: 14,
  };
  return map[status] ?? 2;
}

/** grpc-message is percent-encoded (gRPC over HTTP/2 spec). */
function decodeGrpcMessage(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
