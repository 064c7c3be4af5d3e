// `kubectl get endpoints` and `kubectl get endpointslices` columns, as printEndpoints / printEndpointSlice with
// formatEndpoints, formatDiscoveryPorts and formatDiscoveryEndpoints in pkg/printers/internalversion/printers.go.
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ageSince } from './duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type ResourcePrinter } from './types.js';

/** At most three values are listed; the rest are counted. */
const MAX_LISTED = 3;

export const endpointsPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Endpoints', 'Endpoints is the list of endpoints (as IP:port pairs) for the service.'),
    AGE_COLUMN,
  ],
  cells(object, now) {
    const ep = object as Endpoints;
    return [ep.metadata?.name ?? '', formatEndpoints(ep), ageSince(ep.metadata?.creationTimestamp, now)];
  },
};

export const endpointSlicePrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column(
      'AddressType',
      'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.',
    ),
    column(
      'Ports',
      'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
    ),
    column(
      'Endpoints',
      'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.',
    ),
    AGE_COLUMN,
  ],
  cells(object, now) {
    const slice = object as unknown as EndpointSlice;
    const ports = (slice.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : (p.name ?? '*')));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [
      slice.metadata?.name ?? '',
      slice.addressType ?? '',
      listWithMore(ports, '<unset>'),
      listWithMore(addresses, '<unset>'),
      ageSince(slice.metadata?.creationTimestamp, now),
    ];
  },
};

/** `ip:port` per ready address and port (addresses alone for a subset without ports). */
function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const values = subsets.flatMap((ss) => {
    const addresses = (ss.addresses ?? []).map((a) => a.ip);
    const ports = ss.ports ?? [];
    if (ports.length === 0) return addresses;
    return ports.flatMap((p) => addresses.map((ip) => `${ip.includes(':') ? `[${ip}]` : ip}:${p.port}`));
  });
  return listWithMore(values, '');
}

function listWithMore(values: readonly string[], empty: string): string {
  const listed = values.slice(0, MAX_LISTED).join(',');
  if (values.length > MAX_LISTED) return `${listed} + ${values.length - MAX_LISTED} more...`;
  return listed === '' ? empty : listed;
}
