// pods/{name}/portforward as kubelet serves it (kubelet pkg/cri/streaming/portforward/httpstream.go) over SPDY/3.1,
// either raw after an HTTP upgrade (kubectl 1.27, or KUBECTL_PORT_FORWARD_WEBSOCKETS=false) or tunnelled in a
// WebSocket with subprotocol `SPDY/3.1+portforward.k8s.io` (kubectl >= 1.30). Per connection the client opens an
// `error` and a `data` stream with the same `requestID` and `port`; the data stream carries the TCP bytes.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { WebSocketServer } from 'ws';
import type { ObjectStore } from '../../store/object-store.js';
import type { Logger } from '../../util/log.js';
import { SpdySession } from '../spdy/session.js';
import type { SpdyStream } from '../spdy/stream.js';
import { acceptSpdyUpgrade, isSpdyUpgrade, negotiateStreamProtocol } from '../spdy/upgrade.js';
import { websocketPipe } from '../spdy/websocket-pipe.js';
import { badRequest, notFound } from '../status.js';
import { forwardPair, StreamPairs } from './stream-pairs.js';
import type { PodDialer } from './types.js';

export interface PortForwardRequest {
  namespace: string;
  pod: string;
}

const PROTOCOL = 'portforward.k8s.io';
const TUNNEL_PROTOCOL = `SPDY/3.1+${PROTOCOL}`;

export class PortForwardServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(TUNNEL_PROTOCOL) ? TUNNEL_PROTOCOL : false),
  });
  private readonly sessions = new Set<SpdySession>();

  constructor(
    private readonly store: ObjectStore,
    private readonly dial: PodDialer | undefined,
    private readonly logger: Logger,
  ) {}

  /** Checks the request before the handshake, so that a refusal is a Status kubectl prints. */
  upgrade(request: PortForwardRequest, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pod = this.store.get('pods', request.namespace, request.pod) as unknown as Pod | undefined;
    if (pod === undefined) throw notFound('pods', request.pod);
    const dial = this.dial;
    if (dial === undefined) throw badRequest('podlet serves no port-forward here');
    const open = (pipe: Duplex, rest: Buffer) => {
      const ports = dial.session(request.namespace, request.pod);
      const pairs = new StreamPairs((pair) => forwardPair(pair, (port) => ports.dial(port), this.logger));
      const session = new SpdySession(
        pipe,
        { onStream: (s: SpdyStream) => pairs.add(s), logger: this.logger },
        rest,
      );
      this.sessions.add(session);
      void session.closed.then(() => {
        pairs.close();
        ports.release();
        this.sessions.delete(session);
      });
    };
    if (isSpdyUpgrade(req)) {
      acceptSpdyUpgrade(socket, negotiateStreamProtocol(req, [PROTOCOL]));
      return open(socket, head);
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || !offered.includes(TUNNEL_PROTOCOL)) {
      throw badRequest(`podlet serves port-forward over SPDY/3.1 or WebSocket (${TUNNEL_PROTOCOL}) only`);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => open(websocketPipe(ws), Buffer.alloc(0)));
  }

  close(): void {
    for (const session of this.sessions) session.close();
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.dial?.close();
  }
}
