// A Service's defaults and the clusterIP/clusterIPs reconciliation kube-apiserver does before allocating:
// SetDefaults_Service (pkg/apis/core/v1/defaults.go), normalizeClusterIPs and patchAllocatedValues
// (pkg/registry/core/service/storage/storage.go).
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';

/** v1.DefaultClientIPServiceAffinitySeconds: three hours. */
export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

export const CLUSTER_IP_NONE = 'None';

type Spec = NonNullable<Service['spec']>;

/** Service.spec.type values that open node ports (service.ExternallyAccessible without externalIPs). */
export function needsNodePorts(spec: Spec | undefined): boolean {
  return spec?.type === 'NodePort' || spec?.type === 'LoadBalancer';
}

/** apiservice.ExternallyAccessible: reachable from outside through node ports or external IPs. */
export function externallyAccessible(spec: Spec | undefined): boolean {
  return needsNodePorts(spec) || (spec?.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);
}

/** A headless Service: `clusterIP: None` (isHeadlessService). */
export function isHeadless(spec: Spec | undefined): boolean {
  return spec?.clusterIP === CLUSTER_IP_NONE;
}

/** v1helper.IsServiceIPSet: a Service with a real cluster IP (neither headless nor ExternalName). */
export function hasClusterIP(spec: Spec | undefined): boolean {
  return spec?.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== CLUSTER_IP_NONE;
}

export function defaultService(service: Service): void {
  const spec: Spec = (service.spec ??= {});
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (
    spec.sessionAffinity === 'ClientIP' &&
    spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined
  ) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
  }
  spec.type ||= 'ClusterIP';
  for (const port of spec.ports ?? []) defaultPort(port);
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.internalTrafficPolicy === undefined && spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

function defaultPort(port: ServicePort): void {
  port.protocol ||= 'TCP';
  if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') {
    port.targetPort = port.port;
  }
}

/**
 * Keeps clusterIP and clusterIPs in step, guessing what an old client (singular field only) or a patch that
 * dropped one of them meant; validation checks the result.
 */
export function normalizeClusterIPs(service: Service, old?: Service): void {
  const spec: Spec = (service.spec ??= {});
  const ip = spec.clusterIP ?? '';
  if (old === undefined) {
    if (ip !== '' && (spec.clusterIPs ?? []).length === 0) spec.clusterIPs = [ip];
    return;
  }
  const oldIP = old.spec?.clusterIP ?? '';
  const oldIPs = old.spec?.clusterIPs ?? [];
  if (oldIPs.length > 0 && (spec.clusterIPs ?? []).length === 0 && oldIP === ip)
    spec.clusterIPs = [...oldIPs];
  if (oldIP === ip) return;
  const sameIPs = sameStrings(oldIPs, spec.clusterIPs ?? []);
  if (oldIP !== '' && ip === '') {
    if (sameIPs) delete spec.clusterIPs;
  } else if (sameIPs) {
    spec.clusterIPs = [ip];
  }
}

/** An update that leaves out allocated values (a PUT from a manifest) keeps them, as patchAllocatedValues. */
export function patchAllocatedValues(service: Service, old: Service): void {
  const spec: Spec = (service.spec ??= {});
  const oldSpec = old.spec ?? {};
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if ((spec.clusterIPs ?? []).length === 0 && (oldSpec.clusterIPs ?? []).length > 0) {
      spec.clusterIPs = [...(oldSpec.clusterIPs ?? [])];
    }
  }
  if (needsNodePorts(oldSpec) && needsNodePorts(spec)) {
    const used = new Set((spec.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n !== 0));
    const byName = new Map((oldSpec.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0]));
    for (const port of spec.ports ?? []) {
      const oldPort = byName.get(port.name ?? '') ?? 0;
      if (!port.nodePort && oldPort !== 0 && !used.has(oldPort)) port.nodePort = oldPort;
    }
  }
}

function needsClusterIP(spec: Spec): boolean {
  return spec.type !== 'ExternalName';
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
