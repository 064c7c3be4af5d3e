// podlet's Kubernetes API: HTTPS with client certificates or service account tokens, the discovery and OpenAPI
// documents, the self reviews, and every resource path through resource-handler.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SelfSubjectAccessReview, SelfSubjectRulesReview } from 'kubernetes-types/authorization/v1.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import {
  authenticateRequest,
  authorize,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
  validateSelfSubjectAccessReview,
  type SelfSubjectReviewVersion,
  type UserInfo,
} from './authn.js';
import { Dashboard } from './dashboard/dashboard.js';
import { defaultUiRoot } from './dashboard/static-files.js';
import { serveDiscovery } from './discovery-endpoints.js';
import { parseBody, readBody, sendError, sendJson } from './http-io.js';
import type { Pki } from './pki.js';
import type { ServiceAccountTokens } from './service-account-tokens.js';
import { handleResource, type SubresourceHandler } from './resource-handler.js';
import { parseResourcePath, type ResourceRequest } from './router.js';
import type { PodInspector } from './pod-inspect.js';
import type { LogPath } from './pod-logs.js';
import { builtInSubresources } from './subresources.js';
import { ExecServer, refuseUpgrade, type ContainerExec, type ContainerTtyExec } from './exec.js';
import { AttachServer, type ContainerAttach } from './attach.js';
import { PortForwardServer } from './portforward/port-forward-server.js';
import type { PodDialer } from './portforward/types.js';
import { serveMetrics, type MetricsView } from './metrics-endpoints.js';
import type { ApiMetrics } from './prometheus-metrics.js';
import { badRequest, forbidden, invalid, pathNotFound, unauthorized } from './status.js';
import { InflightLimiter, requestKind, type InflightLimits } from './inflight-limit.js';

export interface ApiServerOptions {
  store: ObjectStore;
  pki: Pki;
  /** Signs TokenRequests and authenticates bearer tokens. */
  serviceAccountTokens: ServiceAccountTokens;
  host: string;
  port: number;
  nodeName: string;
  /** `--service-cidr`: where Services' cluster IPs come from. */
  serviceCidr?: string;
  logger: Logger;
  /** Where the runtime keeps a container instance's log (pods/log reads it). */
  logPath: LogPath;
  /** Starts a process in a running container (pods/exec). */
  exec: ContainerExec;
  /** Starts a process in a running container on a terminal (pods/exec with tty=true). */
  ttyExec: ContainerTtyExec;
  /** Connects to the stdio of a running container (pods/attach). */
  attach: ContainerAttach;
  /** Connects to a port inside a pod's network namespace (pods/portforward); without it port-forward is refused. */
  portForward?: PodDialer;
  /** The sharing report of a pod on this node (pods/inspect, podlet's extension). */
  inspect?: PodInspector;
  /** The latest resource usage sample, for metrics.k8s.io (`kubectl top`). */
  metrics?: () => MetricsView | undefined;
  /** Prometheus figures served on `/metrics`; request latency is recorded into them. */
  prometheus?: ApiMetrics;
  /** The web dashboard under /ui/; by default the app built into this checkout's dist/ui. */
  dashboard?: Dashboard;
  /** `--max-requests-inflight` and `--max-mutating-requests-inflight`; kube-apiserver's defaults when absent. */
  inflight?: InflightLimits;
}

export class ApiServer {
  private constructor(
    private readonly server: Server,
    private readonly connections: AbortController,
    private readonly streams: StreamServers,
  ) {}

  static async start(options: ApiServerOptions): Promise<ApiServer> {
    const connections = new AbortController();
    const subresources = builtInSubresources(options.logPath, options.serviceAccountTokens, options.inspect);
    const dashboard = options.dashboard ?? new Dashboard({ uiRoot: defaultUiRoot() });
    const limiter = new InflightLimiter(options.inflight);
    const server = createServer(
      {
        key: options.pki.serverKey,
        cert: options.pki.serverCert,
        ca: options.pki.ca,
        requestCert: true,
        // A missing or foreign certificate gets a 401 Status, as kube-apiserver answers, not a TLS alert.
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        // Go's http.DefaultMaxHeaderBytes, which kube-apiserver keeps: a 70 kB object name in a URL is answered,
        // not cut off as Node's 16 KiB default would.
        maxHeaderSize: 1024 * 1024,
      },
      (req, res) => void serve(options, { dashboard, subresources, limiter }, connections.signal, req, res),
    );
    const streams: StreamServers = {
      exec: new ExecServer(options.store, options.exec, options.ttyExec, options.logger),
      attach: new AttachServer(options.store, options.attach, options.logger),
      portforward: new PortForwardServer(options.store, options.portForward, options.logger),
    };
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      try {
        upgrade(options, streams, req, socket, head);
      } catch (err) {
        refuseUpgrade(socket, err);
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new ApiServer(server, connections, streams);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Ends watches and open connections, then stops listening. */
  async close(): Promise<void> {
    this.connections.abort();
    this.streams.exec.close();
    this.streams.attach.close();
    this.streams.portforward.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What every request shares, built once when the server starts. */
interface RequestServices {
  dashboard: Dashboard;
  subresources: ReadonlyMap<string, SubresourceHandler>;
  limiter: InflightLimiter;
}

async function serve(
  options: ApiServerOptions,
  { dashboard, subresources, limiter }: RequestServices,
  shutdown: AbortSignal,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const request = new AbortController();
  const abort = () => request.abort();
  shutdown.addEventListener('abort', abort, { once: true });
  res.once('close', () => {
    shutdown.removeEventListener('abort', abort);
    request.abort();
  });
  const url = new URL(req.url ?? '/', 'https://podlet');
  let resource: ResourceRequest | undefined;
  try {
    const apiUser = authenticateRequest(req, tokenAuthenticator(options));
    if (dashboard.handles(url.pathname)) return await dashboard.serve(req, res, url, apiUser);
    const user = apiUser ?? dashboard.sessionUser(req);
    if (user === undefined) throw unauthorized();
    // After authentication, as in kube-apiserver's handler chain: the limiter needs the user (system:masters).
    if (!limiter.admit(requestKind(req.method ?? 'GET', url.pathname, url.searchParams), user, res)) return;
    if (await serveNonResource(options, user, req, res, url)) return;
    resource = parseResourcePath(req.method ?? 'GET', url.pathname, url.searchParams);
    if (resource === undefined) throw pathNotFound();
    await handleResource(
      {
        store: options.store,
        nodeName: options.nodeName,
        ...(options.serviceCidr !== undefined ? { serviceCidr: options.serviceCidr } : {}),
        user: user.username,
        userInfo: user,
        now: new Date(),
        signal: request.signal,
        subresources,
      },
      resource,
      req,
      res,
      url.searchParams,
    );
  } catch (err) {
    if (!(err instanceof Error && err.name === 'ApiError'))
      options.logger.error({ err, path: url.pathname }, 'request failed');
    sendError(res, err);
  } finally {
    // Watches and log follows are long by nature; kube-apiserver leaves them out of this histogram too.
    if (resource && resource.verb !== 'watch' && url.searchParams.get('follow') !== 'true') {
      const name = resource.subresource ? `${resource.resource}/${resource.subresource}` : resource.resource;
      const seconds = (performance.now() - started) / 1000;
      options.prometheus?.observeRequest(resource.verb.toUpperCase(), name, res.statusCode, seconds);
    }
    options.logger.debug(
      {
        method: req.method,
        path: url.pathname,
        code: res.statusCode,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  }
}

function tokenAuthenticator(options: ApiServerOptions): (token: string) => UserInfo | undefined {
  return (token) => options.serviceAccountTokens.authenticate(token);
}

/** The streaming subresources, each served over the transports kubectl may pick for it. */
interface StreamServers {
  exec: ExecServer;
  attach: AttachServer;
  portforward: PortForwardServer;
}

/** Streaming subresources (exec, attach, portforward); the server behind each picks WebSocket or SPDY by `Upgrade:`. */
function upgrade(
  options: ApiServerOptions,
  streams: StreamServers,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const user = authenticateRequest(req, tokenAuthenticator(options));
  if (user === undefined) throw unauthorized();
  const url = new URL(req.url ?? '/', 'https://podlet');
  const request = parseResourcePath(req.method ?? 'GET', url.pathname, url.searchParams);
  const subresource = request?.subresource;
  if (
    request?.resource !== 'pods' ||
    request.group !== '' ||
    (subresource !== 'exec' && subresource !== 'attach' && subresource !== 'portforward')
  ) {
    throw badRequest(
      `${url.pathname}: podlet serves only pods/exec, pods/attach and pods/portforward as streams`,
    );
  }
  // Each needs `create` on the subresource, whichever HTTP method the transport used (kube-apiserver since 1.30).
  const decision = authorize(user, {
    resourceAttributes: {
      verb: 'create',
      resource: 'pods',
      subresource,
      namespace: request.namespace,
      name: request.name,
    },
  });
  if (!decision.allowed) {
    throw forbidden(
      'pods',
      request.name,
      `User "${user.username}" cannot create resource "pods/${subresource}" in API group "" in the namespace "${request.namespace}"`,
    );
  }
  options.logger.debug({ pod: request.name, namespace: request.namespace, subresource }, 'stream');
  const target = { namespace: request.namespace, pod: request.name };
  if (subresource === 'exec') streams.exec.upgrade({ ...target, query: url.searchParams }, req, socket, head);
  else if (subresource === 'attach')
    streams.attach.upgrade({ ...target, query: url.searchParams }, req, socket, head);
  else streams.portforward.upgrade(target, req, socket, head);
}

const HEALTH_PATHS = new Set([
  '/healthz',
  '/livez',
  '/readyz',
  '/healthz/ping',
  '/livez/ping',
  '/readyz/ping',
]);

/** Everything that is not a stored resource; returns false to go on to the resource paths. */
async function serveNonResource(
  options: ApiServerOptions,
  user: UserInfo,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (HEALTH_PATHS.has(path)) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end('ok');
    return true;
  }
  if (req.method === 'POST' && (await serveSelfReview(user, req, res, path))) return true;
  if (req.method === 'GET' && path === '/metrics' && options.prometheus) {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(options.prometheus.registry.render());
    return true;
  }
  if (
    req.method === 'GET' &&
    serveMetrics(path, url.searchParams, res, options.store, options.nodeName, options.metrics?.())
  )
    return true;
  return serveDiscovery(req, res, path, { host: options.host, port: req.socket.localPort ?? options.port });
}

/** `kubectl auth can-i` and `kubectl auth whoami`: answered from the caller's own identity, never stored. */
async function serveSelfReview(
  user: UserInfo,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const match =
    /^\/apis\/(authorization\.k8s\.io\/v1|authentication\.k8s\.io\/(v1|v1beta1))\/(selfsubjectaccessreviews|selfsubjectrulesreviews|selfsubjectreviews)$/.exec(
      path,
    );
  if (match === null) return false;
  const body = parseBody(await readBody(req), req.headers['content-type']);
  switch (match[3]) {
    case 'selfsubjectaccessreviews': {
      const review = body as SelfSubjectAccessReview;
      const errors = validateSelfSubjectAccessReview(review);
      if (errors.length > 0) throw invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', errors);
      sendJson(res, 201, selfSubjectAccessReview(user, review));
      return true;
    }
    case 'selfsubjectrulesreviews':
      sendJson(res, 201, selfSubjectRulesReview(user, body as SelfSubjectRulesReview));
      return true;
    default:
      sendJson(res, 201, selfSubjectReview(user, match[1] as SelfSubjectReviewVersion));
      return true;
  }
}
