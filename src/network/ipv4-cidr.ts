import { NetworkConfigError } from './errors.js';

/** An IPv4 network: the address as an unsigned 32-bit number and the prefix length. */
export interface Ipv4Cidr {
  network: number;
  prefix: number;
}

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses dotted-quad IPv4, or returns undefined. */
export function parseIpv4(text: string): number | undefined {
  const m = OCTETS.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`; an address without `/n` is a /32 (as `ip route` prints host routes). */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const [addr = '', len, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIpv4(addr);
  if (ip === undefined) return undefined;
  const prefix = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= 32)) return undefined;
  return { network: (ip & mask(prefix)) >>> 0, prefix };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Ipv4Cidr, ip: number): boolean {
  return (ip & mask(cidr.prefix)) >>> 0 === cidr.network;
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const shorter = a.prefix <= b.prefix ? a : b;
  const longer = shorter === a ? b : a;
  return cidrContains(shorter, longer.network);
}

/**
 * Validates the pod CIDR: IPv4, written in canonical form (host-local rejects host bits), and at most a /30 so the
 * range holds the network address, the bridge's gateway address, one pod and the broadcast address.
 */
export function parsePodCidr(text: string): Ipv4Cidr {
  const cidr = text.includes('/') ? parseIpv4Cidr(text) : undefined;
  if (!cidr)
    throw new NetworkConfigError(`pod CIDR ${JSON.stringify(text)} is not an IPv4 CIDR like 10.85.0.0/24`);
  if (formatCidr(cidr) !== text) {
    throw new NetworkConfigError(`pod CIDR ${text} has host bits set; did you mean ${formatCidr(cidr)}?`);
  }
  if (cidr.prefix > 30) {
    throw new NetworkConfigError(`pod CIDR ${text} is too small: a /30 or larger range is needed for pods`);
  }
  return cidr;
}
