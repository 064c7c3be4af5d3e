// `kubectl get services` columns, as serviceColumnDefinitions / printService in
// pkg/printers/internalversion/printers.go. The server always prints wide, so load-balancer addresses are never
// clipped to 16 characters here.
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { ageSince } from './duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type ResourcePrinter } from './types.js';

export const servicePrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', 'How the service is exposed (ClusterIP, NodePort, LoadBalancer, ExternalName).'),
    column('Cluster-IP', 'The IP address of the service inside the cluster.'),
    column('External-IP', 'IP addresses for which nodes also accept traffic for this service.'),
    column('Port(s)', 'The ports exposed by this service.'),
    AGE_COLUMN,
    column('Selector', 'Route service traffic to pods with label keys and values matching this selector.', {
      priority: 1,
    }),
  ],
  cells(object, now) {
    const svc = object as Service;
    return [
      svc.metadata?.name ?? '',
      svc.spec?.type ?? '',
      svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP ?? '<none>',
      externalIP(svc),
      portsCell(svc.spec?.ports ?? []) || '<none>',
      ageSince(svc.metadata?.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};

function externalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc);
      if (externalIPs.length > 0) return [...lb, ...externalIPs].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

// A sorted set of ingress IPs (or hostnames when no IP), as loadBalancerStatusStringer.
function loadBalancerAddresses(svc: Service): string[] {
  const addresses = new Set<string>();
  for (const ingress of svc.status?.loadBalancer?.ingress ?? []) {
    const address = ingress.ip || ingress.hostname;
    if (address) addresses.add(address);
  }
  return [...addresses].sort();
}

// Stored services are defaulted to TCP; the fallback only matters for objects that skipped defaulting.
function portsCell(ports: ServicePort[]): string {
  return ports
    .map((p) => {
      const protocol = p.protocol ?? 'TCP';
      return p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
    })
    .join(',');
}

/** labels.FormatLabels: `k=v` pairs sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels?.[k] ?? ''}`).join(',');
}
