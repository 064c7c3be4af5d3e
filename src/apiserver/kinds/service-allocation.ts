// What the Service REST storage does before its strategy (pkg/registry/core/service/storage/alloc.go): settle
// ipFamilyPolicy/ipFamilies, then claim cluster IPs and node ports. The allocation state is the stored Services
// themselves (the store is in-process and synchronous, so a scan and the write that follows cannot interleave
// with another request), so deleting a Service releases what it held.
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { invalid as invalidField, type FieldError } from '../../api/errors.js';
import { CLUSTER_IP_NONE, needsNodePorts } from '../../api/service-defaults.js';
import {
  AllocationError,
  claimNodePort,
  nextNodePort,
  type ServiceIPRange,
} from '../../api/service-ip-range.js';
import { validateClusterIPsRelatedFields } from '../../api/service-validation.js';
import { internalError, invalid, type ApiError } from '../status.js';

type Spec = NonNullable<Service['spec']>;

export interface AllocationContext {
  range: ServiceIPRange;
  /** Every stored Service but the one being written. */
  others: readonly Service[];
}

export function allocateCreate(service: Service, ctx: AllocationContext): void {
  initIPFamilyFields(service, undefined);
  allocateClusterIP(service, ctx);
  if (needsNodePorts(service.spec)) allocateNodePorts(service, [], ctx);
}

export function allocateUpdate(service: Service, old: Service, ctx: AllocationContext): void {
  initIPFamilyFields(service, old);
  // A change from ExternalName gets cluster IPs; a change to ExternalName frees them by being stored.
  if (old.spec?.type === 'ExternalName' && service.spec?.type !== 'ExternalName')
    allocateClusterIP(service, ctx);
  if (needsNodePorts(service.spec)) {
    const held = needsNodePorts(old.spec) ? nodePortsOf(old) : [];
    allocateNodePorts(service, held, ctx);
  }
}

/** initIPFamilyFields for a cluster with one family, IPv4. */
function initIPFamilyFields(service: Service, old: Service | undefined): void {
  const spec: Spec = (service.spec ??= {});
  if (spec.type === 'ExternalName') return;
  const selectorless = Object.keys(spec.selector ?? {}).length === 0;
  if (spec.ipFamilyPolicy === undefined) {
    if (old?.spec?.ipFamilyPolicy !== undefined) spec.ipFamilyPolicy = old.spec.ipFamilyPolicy;
    else if (spec.clusterIP === CLUSTER_IP_NONE && selectorless) spec.ipFamilyPolicy = 'RequireDualStack';
    else spec.ipFamilyPolicy = 'SingleStack';
  }
  const early = validateClusterIPsRelatedFields(service);
  if (early.length > 0) throw invalidService(service, early);
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  const families = (spec.ipFamilies ??= []);
  if (spec.ipFamilyPolicy === 'SingleStack') {
    const why = (what: string) =>
      `must be 'RequireDualStack' or 'PreferDualStack' when multiple ${what} are specified`;
    if (ips.length === 2)
      errs.push(invalidField('spec.ipFamilyPolicy', spec.ipFamilyPolicy, why('cluster IPs')));
    if (families.length === 2)
      errs.push(invalidField('spec.ipFamilyPolicy', spec.ipFamilyPolicy, why('IP families')));
  }
  for (const [i, ip] of ips.entries()) {
    if (ip === CLUSTER_IP_NONE) break;
    if (i < families.length) continue;
    if (ip.includes(':'))
      errs.push(invalidField(`spec.clusterIPs[${i}]`, ips, 'IPv6 is not configured on this cluster'));
    else families.push('IPv4');
  }
  if (errs.length > 0) throw invalidService(service, errs);
  if (spec.clusterIP === CLUSTER_IP_NONE && selectorless) {
    if (families.length === 0) families.push('IPv4');
    // Headless without a selector may name both families even on a single-stack cluster.
    if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack')
      families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
    return;
  }
  if (spec.ipFamilyPolicy === 'RequireDualStack') {
    errs.push(
      invalidField(
        'spec.ipFamilyPolicy',
        spec.ipFamilyPolicy,
        'this cluster is not configured for dual-stack services',
      ),
    );
  }
  families.forEach((family, i) => {
    if (family !== 'IPv4')
      errs.push(invalidField(`spec.ipFamilies[${i}]`, family, 'not configured on this cluster'));
  });
  if (errs.length > 0) throw invalidService(service, errs);
  if (families.length === 0) families.push('IPv4');
}

function allocateClusterIP(service: Service, ctx: AllocationContext): void {
  const spec: Spec = (service.spec ??= {});
  if (spec.type === 'ExternalName' || spec.clusterIPs?.[0] === CLUSTER_IP_NONE) return;
  const used = new Set(ctx.others.flatMap((s) => s.spec?.clusterIPs ?? []));
  const requested = spec.clusterIPs?.[0] ?? '';
  try {
    if (requested !== '') {
      ctx.range.claim(requested, used);
      return;
    }
    const ip = ctx.range.next(used);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  } catch (err) {
    if (!(err instanceof AllocationError)) throw err;
    if (requested === '') throw internalError(new Error(`failed to allocate a serviceIP: ${err.message}`));
    const message = `failed to allocate IP ${requested}: ${err.message}`;
    throw invalidService(service, [invalidField('spec.clusterIPs', spec.clusterIPs, message)]);
  }
}

/**
 * initNodePorts / updateNodePorts: requested ports are claimed (those the Service already held are kept), ports
 * left at 0 get one, and two ports with one port number share a node port, as upstream.
 */
function allocateNodePorts(service: Service, held: readonly number[], ctx: AllocationContext): void {
  const spec: Spec = (service.spec ??= {});
  const used = new Set(ctx.others.flatMap(nodePortsOf));
  const allocate = spec.type === 'NodePort' || spec.allocateLoadBalancerNodePorts !== false;
  const byServicePort = new Map<number, number>();
  const ports = spec.ports ?? [];
  for (const [i, port] of ports.entries()) {
    if (!port.nodePort && !allocate) continue;
    const requested = port.nodePort || requestedFor(port.port, ports.slice(i));
    const shared = byServicePort.get(port.port);
    if (shared !== undefined && (!port.nodePort || port.nodePort === shared)) {
      port.nodePort = shared;
      continue;
    }
    try {
      if (requested) {
        if (!held.includes(requested)) claimNodePort(requested, used);
        port.nodePort = requested;
      } else {
        port.nodePort = nextNodePort(used);
      }
    } catch (err) {
      if (!(err instanceof AllocationError)) throw err;
      if (!requested) throw internalError(new Error(`failed to allocate a nodePort: ${err.message}`));
      throw invalidService(service, [invalidField(`spec.ports[${i}].nodePort`, requested, err.message)]);
    }
    used.add(port.nodePort);
    byServicePort.set(port.port, port.nodePort);
  }
}

/** findRequestedNodePort: a node port the user asked for on any port with the same number. */
function requestedFor(servicePort: number, ports: readonly ServicePort[]): number {
  return ports.find((p) => p.port === servicePort && p.nodePort)?.nodePort ?? 0;
}

function nodePortsOf(service: Service): number[] {
  const ports = (service.spec?.ports ?? []).map((p) => p.nodePort ?? 0);
  return [...ports, service.spec?.healthCheckNodePort ?? 0].filter((p) => p !== 0);
}

function invalidService(service: Service, errors: FieldError[]): ApiError {
  return invalid('Service', '', service.metadata?.name ?? '', errors);
}
