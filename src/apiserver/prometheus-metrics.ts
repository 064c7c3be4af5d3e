// podlet's own figures on `/metrics` (what `kubectl get --raw /metrics` shows): API request latency as
// kube-apiserver's apiserver_request_duration_seconds, and from the store the pods of this node by phase and their
// containers' restarts, as kube-state-metrics names them.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ObjectStore } from '../store/object-store.js';
import { CollectedGauge, DEFAULT_BUCKETS, Histogram, type MetricsRegistry } from '../util/prometheus.js';

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

export class ApiMetrics {
  private readonly requests: Histogram;

  constructor(
    readonly registry: MetricsRegistry,
    store: ObjectStore,
    nodeName: string,
  ) {
    this.requests = registry.register(
      new Histogram(
        'apiserver_request_duration_seconds',
        'Response latency distribution in seconds for each verb, resource and code.',
        DEFAULT_BUCKETS,
      ),
    );
    const pods = () =>
      (store.list('pods', undefined).items as unknown as Pod[]).filter((p) => p.spec?.nodeName === nodeName);
    registry.register(
      new CollectedGauge('podlet_pods', 'Pods bound to this node, by phase.', () =>
        PHASES.map((phase) => ({
          labels: { phase },
          value: pods().filter((p) => (p.status?.phase ?? 'Pending') === phase).length,
        })),
      ),
    );
    registry.register(
      new CollectedGauge(
        'kube_pod_container_status_restarts_total',
        'The number of container restarts per container.',
        () =>
          pods().flatMap((p) =>
            [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].map((c) => ({
              labels: {
                namespace: p.metadata?.namespace ?? '',
                pod: p.metadata?.name ?? '',
                container: c.name,
              },
              value: c.restartCount,
            })),
          ),
      ),
    );
  }

  observeRequest(verb: string, resource: string, code: number, seconds: number): void {
    this.requests.observe({ verb, resource, code: String(code) }, seconds);
  }
}
