import { run } from '../util/exec.js';
import { PodCidrConflictError } from './errors.js';
import { cidrsOverlap, parseIpv4Cidr, parsePodCidr, type Ipv4Cidr } from './ipv4-cidr.js';

/** The fields podlet reads of `ip -j route` entries. */
export interface HostRoute {
  dst: string;
  dev?: string;
}

/** The fields podlet reads of `ip -j addr` entries. */
export interface HostInterface {
  ifname: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

const IP_TIMEOUT_MS = 10_000;

/**
 * Throws PodCidrConflictError when the pod CIDR overlaps a route or an address of this host that is not on our
 * bridge: pods would then be unreachable, or would hide a real network from the host.
 */
export async function checkPodCidrFree(podCidr: string, bridge: string): Promise<void> {
  const cidr = parsePodCidr(podCidr);
  const [routes, interfaces] = await Promise.all([
    ipJson<HostRoute[]>(['-4', '-j', 'route', 'show']),
    ipJson<HostInterface[]>(['-4', '-j', 'addr', 'show']),
  ]);
  const conflicts = findCidrConflicts(cidr, bridge, routes, interfaces);
  if (conflicts.length > 0) throw new PodCidrConflictError(podCidr, conflicts);
}

/** Describes each route and address overlapping `cidr` that does not belong to `bridge`. */
export function findCidrConflicts(
  cidr: Ipv4Cidr,
  bridge: string,
  routes: HostRoute[],
  interfaces: HostInterface[],
): string[] {
  const conflicts: string[] = [];
  for (const route of routes) {
    if (route.dst === 'default' || route.dev === bridge) continue;
    const dst = parseIpv4Cidr(route.dst);
    if (dst && cidrsOverlap(cidr, dst))
      conflicts.push(`route ${route.dst}${route.dev ? ` dev ${route.dev}` : ''}`);
  }
  for (const iface of interfaces) {
    if (iface.ifname === bridge) continue;
    for (const a of iface.addr_info ?? []) {
      if (a.family !== 'inet' || a.local === undefined) continue;
      const addr = parseIpv4Cidr(`${a.local}/${a.prefixlen ?? 32}`);
      if (addr && cidrsOverlap(cidr, addr))
        conflicts.push(`address ${a.local}/${a.prefixlen ?? 32} on ${iface.ifname}`);
    }
  }
  return conflicts;
}

async function ipJson<T>(args: string[]): Promise<T> {
  const { stdout } = await run('ip', args, { timeoutMs: IP_TIMEOUT_MS });
  return (stdout.trim() ? JSON.parse(stdout) : []) as T;
}
