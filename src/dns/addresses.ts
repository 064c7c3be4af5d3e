// IP address forms cluster DNS compares and writes: one canonical text per address, reverse (PTR) names, and the
// dashed form used as an endpoint's DNS label.
import { isIP } from 'node:net';

const IPV4_REVERSE = '.in-addr.arpa';
const IPV6_REVERSE = '.ip6.arpa';

/** The address as Go's net.IP.String() writes it (IPv6 compressed, lower case), so equal addresses compare equal. */
export function canonicalIp(text: string): string {
  if (isIP(text) !== 6) return text;
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

/** 4 for an IPv4 address, 6 for IPv6, 0 for anything else. */
export function ipFamily(text: string): 0 | 4 | 6 {
  return isIP(text) as 0 | 4 | 6;
}

/** The label CoreDNS gives an endpoint without a hostname (endpointHostname): `10-1-2-3`, `fd00--1`. */
export function dashedIp(ip: string): string {
  if (ip.includes('.')) return ip.replaceAll('.', '-');
  let dashed = ip.replaceAll(':', '-');
  // A label may neither start nor end with '-' (RFC 1123).
  if (dashed.endsWith('-')) dashed += '0';
  if (dashed.startsWith('-')) dashed = `0${dashed}`;
  return dashed;
}

/** The PTR owner name of an address: `3.2.1.10.in-addr.arpa`, or the nibbles under ip6.arpa. */
export function reverseName(ip: string): string {
  if (ipFamily(ip) === 4) return `${ip.split('.').reverse().join('.')}${IPV4_REVERSE}`;
  return `${[...expandIpv6(canonicalIp(ip))].reverse().join('.')}${IPV6_REVERSE}`;
}

/** Whether a lower-case name without the trailing dot lies in a reverse zone (dnsutil.IsReverse). */
export function isReverseName(name: string): boolean {
  return name.endsWith(IPV4_REVERSE) || name.endsWith(IPV6_REVERSE);
}

/** The address a full reverse name stands for, or undefined (dnsutil.ExtractAddressFromReverse). */
export function addressFromReverse(name: string): string | undefined {
  if (name.endsWith(IPV4_REVERSE)) {
    const labels = name.slice(0, -IPV4_REVERSE.length).split('.');
    if (labels.length !== 4 || !labels.every((l) => /^(0|[1-9]\d{0,2})$/.test(l))) return undefined;
    const ip = labels.reverse().join('.');
    return ipFamily(ip) === 4 ? ip : undefined;
  }
  if (name.endsWith(IPV6_REVERSE)) {
    const nibbles = name.slice(0, -IPV6_REVERSE.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    return canonicalIp(hex.match(/.{4}/g)?.join(':') ?? '');
  }
  return undefined;
}

function expandIpv6(ip: string): string {
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  return groups.map((g) => g.padStart(4, '0')).join('');
}
