// The tcpSocket probe (pkg/probe/tcp/tcp.go DoTCPProbe): success once a TCP connection opens within the timeout.
import { connect } from 'node:net';
import type { TCPSocketAction } from 'kubernetes-types/core/v1.js';
import { resolveContainerPort } from './container-port.js';
import { dialErrorText, errorMessage, joinHostPort } from './go-text.js';
import type { HandlerTarget, ProbeOutcome } from './types.js';

export async function tcpSocketProbe(
  action: TCPSocketAction,
  target: HandlerTarget,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  let port: number;
  try {
    port = resolveContainerPort(action.port, target.container);
  } catch (err) {
    return { result: 'unknown', output: errorMessage(err) };
  }
  const host = action.host || target.podIP;
  const error = await dial(host, port, timeoutMs);
  return error === undefined ? { result: 'success', output: '' } : { result: 'failure', output: error };
}

/** Connects and closes at once; resolves to Go's dial error text, or undefined when the connection opened. */
function dial(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  const hostPort = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (error: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(error);
    };
    const timer = setTimeout(() => finish(`dial tcp ${hostPort}: i/o timeout`), timeoutMs);
    socket.once('connect', () => finish(undefined));
    socket.once('error', (err) => finish(dialErrorText(hostPort, err)));
  });
}
