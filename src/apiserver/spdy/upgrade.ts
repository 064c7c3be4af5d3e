// Switching an HTTP/1.1 request to SPDY/3.1 as Kubernetes does (apimachinery httpstream.Handshake and
// httpstream/spdy/upgrade.go): the client lists protocol versions in X-Stream-Protocol-Version, the server picks
// the first of its own it finds there, and answers 101 with Upgrade: SPDY/3.1 and the chosen version.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { forbiddenMessage } from '../status.js';

export const SPDY_UPGRADE = 'SPDY/3.1';

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === SPDY_UPGRADE.toLowerCase();
}

/** The protocol both sides speak, in the server's order of preference; a refusal lists both sides' protocols. */
export function negotiateStreamProtocol(req: IncomingMessage, supported: readonly string[]): string {
  const raw = req.headers['x-stream-protocol-version'];
  const offered = (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const chosen = supported.find((p) => offered.includes(p));
  if (chosen === undefined) {
    // httpstream.Handshake's wording; kube-apiserver answers it as 403 Forbidden.
    throw forbiddenMessage(
      `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`,
    );
  }
  return chosen;
}

/** Writes the 101 answer; the socket then carries SPDY frames. */
export function acceptSpdyUpgrade(socket: Duplex, protocol: string): void {
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SPDY_UPGRADE}\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
  );
}
