// An HTTP proxy in front of a test registry that misbehaves on demand, as registries and the networks in front of them
// do: the connection dropped in the middle of a blob, a blob cut short but ended cleanly, a blob that stops arriving,
// credentials refused. Setting `fault` to 'none' heals it; the proxy counts what it injected and when pulls began.
import { once } from 'node:events';
import {
  createServer,
  request,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type RegistryFault = 'none' | 'drop-mid-blob' | 'truncate-blob' | 'stall-blob' | 'unauthorized';

export interface FaultyRegistry {
  /** `127.0.0.1:PORT`, to name images by and to pass to `--insecure-registry`. */
  readonly host: string;
  /** What the proxy does to the next requests; 'none' forwards everything untouched. */
  fault: RegistryFault;
  /** Responses the proxy spoiled. */
  readonly injected: number;
  /** When each pull began (Date.now() of its first request, for the tag's manifest): back-off shows in the gaps. */
  readonly pullsStarted: readonly number[];
  close(): Promise<void>;
}

const BLOB_PATH = /^\/v2\/.+\/blobs\/sha256:[0-9a-f]{64}$/;
const TAG_MANIFEST_PATH = /^\/v2\/.+\/manifests\/(?!sha256:)[^/]+$/;

/** Starts the proxy on 127.0.0.1 in front of `upstream` (`host:port` of a plain-HTTP registry). */
export async function startFaultyRegistry(upstream: string): Promise<FaultyRegistry> {
  const sockets = new Set<Socket>();
  /** Connections of stalled blobs, released when the registry heals. */
  const held = new Set<Socket>();
  const state = { fault: 'none' as RegistryFault, injected: 0, pullsStarted: [] as number[] };
  const server = createServer((req, res) => {
    // A pull opens with its tag's manifest; the same request again with credentials answers a challenge, not a new pull.
    const opensPull = req.method === 'GET' && TAG_MANIFEST_PATH.test(req.url ?? '');
    if (opensPull && req.headers.authorization === undefined) state.pullsStarted.push(Date.now());
    if (state.fault === 'unauthorized') {
      state.injected++;
      return refuse(res);
    }
    forward(upstream, req, res, (upstreamRes) => {
      const fault = state.fault;
      const spoil = fault !== 'none' && req.method === 'GET' && BLOB_PATH.test(req.url ?? '');
      if (!spoil || upstreamRes.statusCode !== 200) return false;
      state.injected++;
      spoilBlob(fault, upstreamRes, res, (socket) => held.add(socket));
      return true;
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    get fault() {
      return state.fault;
    },
    set fault(fault: RegistryFault) {
      state.fault = fault;
      // A healed registry lets go of the blobs it was holding: the client sees them end, as after a network recovers.
      if (fault !== 'none') return;
      for (const socket of held) socket.destroy();
      held.clear();
    },
    get injected() {
      return state.injected;
    },
    get pullsStarted() {
      return state.pullsStarted;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * Sends the request on to the registry; `intercept` may take over the response (returns true), else it is piped back
 * as it came.
 */
function forward(
  upstream: string,
  req: IncomingMessage,
  res: ServerResponse,
  intercept: (upstreamRes: IncomingMessage) => boolean,
): void {
  const [hostname, port] = upstream.split(':');
  const out = request(
    {
      hostname,
      port: Number(port),
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream },
    },
    (upstreamRes) => {
      if (intercept(upstreamRes)) return;
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  out.on('error', () => res.destroy());
  res.on('close', () => out.destroy());
  req.pipe(out);
}

/** The registry's answer to bad credentials (distribution's UNAUTHORIZED with a Basic challenge). */
function refuse(res: ServerResponse): void {
  const body = JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
  res.writeHead(401, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'www-authenticate': 'Basic realm="faulty-registry"',
  });
  res.end(body);
}

/** Half the blob, then: the connection dropped, the response ended short, or nothing more until healed. */
function spoilBlob(
  fault: RegistryFault,
  upstreamRes: IncomingMessage,
  res: ServerResponse,
  hold: (socket: Socket) => void,
): void {
  const size = Number(upstreamRes.headers['content-length'] ?? 0);
  const half = Math.floor(size / 2);
  const headers: OutgoingHttpHeaders = { ...upstreamRes.headers };
  if (fault === 'truncate-blob') headers['content-length'] = half;
  res.writeHead(200, headers);
  const body: Buffer[] = [];
  upstreamRes.on('data', (chunk: Buffer) => body.push(chunk));
  upstreamRes.once('end', () => {
    res.write(Buffer.concat(body).subarray(0, half));
    if (fault === 'truncate-blob') return res.end();
    if (fault === 'drop-mid-blob') return res.socket?.destroy();
    if (res.socket) hold(res.socket);
  });
}
