// How a name inside the cluster zone splits into its parts (Kubernetes DNS specification, CoreDNS
// plugin/kubernetes/parse.go parseRequest).

/** The parts of `[endpoint.|_port._proto.]service.namespace.(svc|pod)`; empty strings for parts not given. */
export interface ClusterName {
  kind: 'svc' | 'pod' | '';
  namespace: string;
  service: string;
  endpoint: string;
  port: string;
  protocol: string;
}

/**
 * Splits a lower-case name relative to the zone (`db.default.svc` for `db.default.svc.cluster.local`); undefined
 * when it cannot name anything (CoreDNS errInvalidRequest: NXDOMAIN). The zone apex, `svc` and `pod` give a
 * ClusterName of empty parts (they exist, with no records).
 */
export function parseClusterName(relative: string): ClusterName | undefined {
  const name: ClusterName = { kind: '', namespace: '', service: '', endpoint: '', port: '', protocol: '' };
  if (relative === '' || relative === 'svc' || relative === 'pod') return name;
  const labels = relative.split('.');
  const kind = labels.pop();
  if (kind !== 'svc' && kind !== 'pod') return undefined;
  name.kind = kind;
  name.namespace = labels.pop() ?? '';
  name.service = labels.pop() ?? '';
  if (labels.length === 1) name.endpoint = labels[0] ?? '';
  else if (labels.length === 2) {
    name.port = stripUnderscore(labels[0] ?? '');
    name.protocol = stripUnderscore(labels[1] ?? '');
  } else if (labels.length > 2) return undefined;
  return name;
}

/** The name relative to the zone, or undefined when it is outside it. Both lower case, without trailing dots. */
export function relativeToZone(name: string, zone: string): string | undefined {
  if (name === zone) return '';
  return name.endsWith(`.${zone}`) ? name.slice(0, -zone.length - 1) : undefined;
}

/** Lower case without the trailing dot: the form every comparison uses (DNS names match case-insensitively). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}
