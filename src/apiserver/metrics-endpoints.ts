// metrics.k8s.io/v1beta1 as metrics-server serves it, for `kubectl top pod` and `kubectl top node`.
import type { ServerResponse } from 'node:http';
import { matchLabelSelector, parseLabelSelector } from '../api/label-selector.js';
import type { ObjectStore } from '../store/object-store.js';
import { sendJson } from './http-io.js';
import { notFound } from './status.js';

export interface MetricsView {
  timestamp: string;
  windowSeconds: number;
  containers: {
    podNamespace: string;
    podName: string;
    name: string;
    cpuNanoCores: number;
    memoryBytes: number;
  }[];
  node: { cpuNanoCores: number; memoryBytes: number };
}

const PATH = /^\/apis\/metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?(pods|nodes)(?:\/([^/]+))?$/;
const GV = 'metrics.k8s.io/v1beta1';

/** Answers a metrics path; false for any other path. No sample yet is an empty list, as on a fresh cluster. */
export function serveMetrics(
  path: string,
  query: URLSearchParams,
  res: ServerResponse,
  store: ObjectStore,
  nodeName: string,
  metrics: MetricsView | undefined,
): boolean {
  const match = PATH.exec(path);
  if (match === null) return false;
  const [, namespace, resource, name] = match;
  const window = `${metrics?.windowSeconds ?? 15}s`;
  if (resource === 'nodes') {
    const items =
      metrics === undefined || (name !== undefined && name !== nodeName)
        ? []
        : [nodeMetrics(nodeName, metrics, window, store)];
    if (name !== undefined) {
      if (items[0] === undefined) throw notFound('nodes.metrics.k8s.io', name);
      sendJson(res, 200, items[0]);
    } else sendJson(res, 200, { kind: 'NodeMetricsList', apiVersion: GV, metadata: {}, items });
    return true;
  }
  const selector = query.get('labelSelector');
  const labels = selector ? parseLabelSelector(selector) : undefined;
  const pods = store
    .list('pods', namespace)
    .items.filter((p) => name === undefined || p.metadata.name === name)
    .filter((p) => labels === undefined || matchLabelSelector(labels, p.metadata.labels ?? {}));
  const items = pods
    .map((p) => {
      const containers = (metrics?.containers ?? []).filter(
        (c) => c.podNamespace === p.metadata.namespace && c.podName === p.metadata.name,
      );
      if (containers.length === 0) return undefined;
      return {
        kind: 'PodMetrics',
        apiVersion: GV,
        metadata: {
          name: p.metadata.name,
          namespace: p.metadata.namespace,
          creationTimestamp: metrics?.timestamp,
          labels: p.metadata.labels ?? {},
        },
        timestamp: metrics?.timestamp,
        window,
        containers: containers.map((c) => ({ name: c.name, usage: usage(c.cpuNanoCores, c.memoryBytes) })),
      };
    })
    .filter((m) => m !== undefined);
  if (name !== undefined) {
    if (items[0] === undefined) throw notFound('pods.metrics.k8s.io', name);
    sendJson(res, 200, items[0]);
  } else sendJson(res, 200, { kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items });
  return true;
}

function nodeMetrics(nodeName: string, metrics: MetricsView, window: string, store: ObjectStore) {
  return {
    kind: 'NodeMetrics',
    apiVersion: GV,
    metadata: {
      name: nodeName,
      creationTimestamp: metrics.timestamp,
      labels: store.get('nodes', '', nodeName)?.metadata.labels ?? {},
    },
    timestamp: metrics.timestamp,
    window,
    usage: usage(metrics.node.cpuNanoCores, metrics.node.memoryBytes),
  };
}

/** Quantities as metrics-server writes them: CPU in nanocores (`n`), memory in KiB (`Ki`). */
function usage(cpuNanoCores: number, memoryBytes: number): { cpu: string; memory: string } {
  return { cpu: `${Math.round(cpuNanoCores)}n`, memory: `${Math.round(memoryBytes / 1024)}Ki` };
}
