// The Service environment variables the kubelet gives every container (pkg/kubelet/kubelet_pods.go
// getServiceEnvVarMap, pkg/kubelet/envvars/envvars.go FromServices): the `kubernetes` Service of `default`
// always, the other Services of the pod's namespace when enableServiceLinks is on (the default), each as
// `<NAME>_SERVICE_HOST/PORT` plus docker-link variables. Read from the Services that exist when the container
// starts, so a Service made after a pod appears only in containers (re)started after it.
import type { Service } from 'kubernetes-types/core/v1.js';
import { hasClusterIP } from '../api/service-defaults.js';

/** The master Services of the master namespace (kubelet masterServiceNamespace = default). */
const MASTER_NAMESPACE = 'default';
const MASTER_SERVICES = new Set(['kubernetes']);

export function serviceEnvVars(
  services: readonly Service[],
  namespace: string,
  enableServiceLinks: boolean,
): Map<string, string> {
  const chosen = new Map<string, Service>();
  for (const service of services) {
    if (!hasClusterIP(service.spec)) continue;
    const name = service.metadata?.name ?? '';
    const ns = service.metadata?.namespace ?? '';
    if (ns === MASTER_NAMESPACE && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, service);
    } else if (ns === namespace && enableServiceLinks) {
      chosen.set(name, service);
    }
  }
  const env = new Map<string, string>();
  for (const service of chosen.values()) for (const [k, v] of variablesOf(service)) env.set(k, v);
  return env;
}

function variablesOf(service: Service): [string, string][] {
  const prefix = envName(service.metadata?.name ?? '');
  const ip = service.spec?.clusterIP ?? '';
  const ports = service.spec?.ports ?? [];
  const first = ports[0];
  if (first === undefined) return [];
  const vars: [string, string][] = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(first.port)],
  ];
  // Only the first port may be unnamed (validation), so every other port has its own variable.
  for (const port of ports) {
    if (port.name) vars.push([`${prefix}_SERVICE_PORT_${envName(port.name)}`, String(port.port)]);
  }
  return [...vars, ...linkVariables(prefix, ip, ports)];
}

/** Docker link variables: `<NAME>_PORT` for the first port, `<NAME>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]` for each. */
function linkVariables(
  prefix: string,
  ip: string,
  ports: NonNullable<Service['spec']>['ports'],
): [string, string][] {
  const vars: [string, string][] = [];
  const host = ip.includes(':') ? `[${ip}]` : ip;
  for (const [i, port] of (ports ?? []).entries()) {
    const protocol = port.protocol || 'TCP';
    const url = `${protocol.toLowerCase()}://${host}:${port.port}`;
    if (i === 0) vars.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${port.port}_${protocol.toUpperCase()}`;
    vars.push(
      [portPrefix, url],
      [`${portPrefix}_PROTO`, protocol.toLowerCase()],
      [`${portPrefix}_PORT`, String(port.port)],
      [`${portPrefix}_ADDR`, ip],
    );
  }
  return vars;
}

/** makeEnvVariableName: upper case, dashes to underscores. */
function envName(name: string): string {
  return name.replaceAll('-', '_').toUpperCase();
}
