// The Service IP range (`--service-cidr`) and the NodePort range, as kube-apiserver's allocators see them
// (pkg/registry/core/service/ipallocator, portallocator): which values a range holds, the static band kept for
// requested values, and upstream's error texts.
import { isIPv4 } from 'node:net';

export const DEFAULT_SERVICE_CIDR = '10.86.0.0/24';
/** kube-apiserver's default --service-node-port-range. */
export const NODE_PORT_RANGE = { base: 30000, size: 2768 } as const;

export class ServiceCidrError extends Error {
  override name = 'ServiceCidrError';
}

/** What an allocator answers when a requested value cannot be had (ipallocator/portallocator errors). */
export class AllocationError extends Error {
  override name = 'AllocationError';
}

/** An IPv4 range without its network and broadcast addresses, as the bitmap allocator holds it. */
export class ServiceIPRange {
  private constructor(
    readonly cidr: string,
    /** The network address as a number. */
    private readonly network: number,
    /** Usable addresses: offsets 1..size from the network address. */
    readonly size: number,
  ) {}

  static parse(cidr: string): ServiceIPRange {
    const [address, bits] = cidr.split('/');
    const prefix = Number(bits);
    if (address === undefined || !isIPv4(address) || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) {
      throw new ServiceCidrError(`--service-cidr ${cidr}: must be an IPv4 CIDR with a prefix of /8 to /30`);
    }
    const hostBits = 32 - prefix;
    const network = ipToNumber(address) - (ipToNumber(address) % 2 ** hostBits);
    return new ServiceIPRange(`${numberToIP(network)}/${prefix}`, network, 2 ** hostBits - 2);
  }

  /** 1-based offset of an address in the range, or undefined outside it (network and broadcast included). */
  offsetOf(ip: string): number | undefined {
    if (!isIPv4(ip)) return undefined;
    const offset = ipToNumber(ip) - this.network;
    return offset >= 1 && offset <= this.size ? offset : undefined;
  }

  at(offset: number): string {
    return numberToIP(this.network + offset);
  }

  /** The first usable address: the `kubernetes` Service's, as kube-apiserver reserves it. */
  first(): string {
    return this.at(1);
  }

  /** Claims a requested address (ipallocator Allocate): throws upstream's texts when it cannot. */
  claim(ip: string, used: ReadonlySet<string>): void {
    if (this.offsetOf(ip) === undefined) {
      throw new AllocationError(
        `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`,
      );
    }
    if (used.has(ip)) throw new AllocationError('provided IP is already allocated');
  }

  /** A free address (AllocateNext): random, from above the static band first (calculateRangeOffset). */
  next(used: ReadonlySet<string>, random: () => number = Math.random): string {
    const band = rangeOffset(this.size + 2, 16, 256, 16);
    const pick = pickFree(this.size, band, (o) => used.has(this.at(o + 1)), random);
    if (pick === undefined) throw new AllocationError('range is full');
    return this.at(pick + 1);
  }
}

/** Claims a requested node port (portallocator Allocate). */
export function claimNodePort(port: number, used: ReadonlySet<number>): void {
  const { base, size } = NODE_PORT_RANGE;
  if (port < base || port >= base + size) {
    throw new AllocationError(
      `provided port is not in the valid range. The range of valid ports is ${base}-${base + size - 1}`,
    );
  }
  if (used.has(port)) throw new AllocationError('provided port is already allocated');
}

/** A free node port (AllocateNext), from above the static band first. */
export function nextNodePort(used: ReadonlySet<number>, random: () => number = Math.random): number {
  const { base, size } = NODE_PORT_RANGE;
  const pick = pickFree(size, rangeOffset(size, 16, 128, 32), (o) => used.has(base + o), random);
  if (pick === undefined) throw new AllocationError('range is full');
  return base + pick;
}

/** The size of the low band left to requested values: size/step, clamped to [min, max] (0 below min). */
function rangeOffset(size: number, min: number, max: number, step: number): number {
  if (size < min) return 0;
  return Math.min(max, Math.max(min, Math.floor(size / step)));
}

/** A random free 0-based offset in [band, size), else in [0, band): the allocators' two-pass scan. */
function pickFree(
  size: number,
  band: number,
  taken: (offset: number) => boolean,
  random: () => number,
): number | undefined {
  for (const [lo, hi] of [
    [band, size],
    [0, band],
  ] as const) {
    const span = hi - lo;
    if (span <= 0) continue;
    const start = Math.floor(random() * span);
    for (let i = 0; i < span; i++) {
      const offset = lo + ((start + i) % span);
      if (!taken(offset)) return offset;
    }
  }
  return undefined;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function numberToIP(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
