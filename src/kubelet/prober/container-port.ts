// A probe's or hook's port (a number or the name of a container port) turned into a number
// (pkg/probe/util.go ResolveContainerPort, which both probes and lifecycle hooks use).
import type { Container } from 'kubernetes-types/core/v1.js';

/** The port could not be resolved; the message is kubelet's, e.g. `strconv.Atoi: parsing "http": invalid syntax`. */
export class PortResolutionError extends Error {
  override readonly name = 'PortResolutionError';
}

/** Go's strconv.Atoi accepts an optional sign and decimal digits, nothing else. */
const ATOI = /^[+-]?\d+$/;

/**
 * A name is looked up among the container's ports first; a string that names no port is then read as a number
 * ("last ditch effort" upstream). An absent port is Go's zero IntOrString, the number 0.
 */
export function resolveContainerPort(port: number | string | undefined, container: Container): number {
  let value: number;
  if (typeof port === 'string') {
    const named = container.ports?.find((p) => p.name === port);
    if (named) value = named.containerPort;
    else if (ATOI.test(port)) value = Number.parseInt(port, 10);
    else throw new PortResolutionError(`strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
  } else {
    value = port ?? 0;
  }
  if (value > 0 && value < 65536) return value;
  throw new PortResolutionError(`invalid port number: ${value}`);
}
