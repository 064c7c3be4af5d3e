// Dials localhost:<port> inside a pod's network namespace through a dial helper (netns-dial-helper.ts) per
// namespace, kept while port-forward sessions to that pod are open. Failures read like containerd's
// (pkg/cri/server/sandbox_portforward_linux.go), under kubelet's prefix (streaming/portforward/httpstream.go).
import type { Duplex } from 'node:stream';
import { DialFailedError, NetnsDialHelper } from './netns-dial-helper.js';
import type { DialFailure } from './netns-dial-protocol.js';
import type { PodDialer, PodPorts } from './types.js';

/** Where a pod's network namespace is, from its running sandbox; undefined when it has none. */
export type PodNetworkLookup = (
  namespace: string,
  podName: string,
) => Promise<{ sandboxId: string; netnsPath: string } | undefined>;

export class PortForwardDialError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PortForwardDialError';
  }
}

/** Go's wording (syscall.Errno) of the errors a dial commonly meets, so messages read as containerd's do. */
const GO_ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ENETUNREACH: 'network is unreachable',
  EHOSTUNREACH: 'no route to host',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by peer',
  EAFNOSUPPORT: 'address family not supported by protocol',
};

export function netnsDialer(lookup: PodNetworkLookup): PodDialer {
  const helpers = new HelperPool();
  return {
    session: (namespace, podName) => podPorts(namespace, podName, lookup, helpers),
    close: () => helpers.close(),
  };
}

/** One helper per network namespace, while some session holds it; one that died is replaced on the next dial. */
class HelperPool {
  private readonly shared = new Map<string, { helper: NetnsDialHelper; holders: number }>();

  hold(netnsPath: string): void {
    const entry = this.shared.get(netnsPath);
    if (entry) entry.holders += 1;
    else this.shared.set(netnsPath, { helper: new NetnsDialHelper(netnsPath), holders: 1 });
  }

  helper(netnsPath: string): NetnsDialHelper {
    const entry = this.shared.get(netnsPath);
    if (entry === undefined) throw new Error(`no dial helper is held for ${netnsPath}`);
    if (!entry.helper.alive) entry.helper = new NetnsDialHelper(netnsPath);
    return entry.helper;
  }

  release(netnsPath: string): void {
    const entry = this.shared.get(netnsPath);
    if (entry === undefined || --entry.holders > 0) return;
    this.shared.delete(netnsPath);
    entry.helper.stop();
  }

  close(): void {
    for (const entry of this.shared.values()) entry.helper.stop();
    this.shared.clear();
  }
}

function podPorts(
  namespace: string,
  podName: string,
  lookup: PodNetworkLookup,
  helpers: HelperPool,
): PodPorts {
  // The namespaces this session holds a helper in: a pod whose sandbox was replaced has a new one.
  const held = new Set<string>();
  let released = false;
  return {
    dial: async (port: number): Promise<Duplex> => {
      const network = await lookup(namespace, podName);
      if (network === undefined) {
        throw new PortForwardDialError(`pod ${namespace}/${podName} has no running sandbox`);
      }
      if (released) throw new PortForwardDialError('the port-forward session is over');
      const { sandboxId, netnsPath } = network;
      if (!held.has(netnsPath)) {
        helpers.hold(netnsPath);
        held.add(netnsPath);
      }
      try {
        return await helpers.helper(netnsPath).dial(port);
      } catch (err) {
        const prefix = `error forwarding port ${port} to pod ${sandboxId}, uid : failed to execute portforward in network namespace "${netnsPath}"`;
        throw new PortForwardDialError(`${prefix}: ${dialFailureText(err, port, sandboxId)}`, { cause: err });
      }
    },
    release: () => {
      released = true;
      for (const netnsPath of held) helpers.release(netnsPath);
      held.clear();
    },
  };
}

function dialFailureText(err: unknown, port: number, sandboxId: string): string {
  if (!(err instanceof DialFailedError)) return (err as Error).message;
  const go = (network: string, address: string, failure: DialFailure) =>
    `dial ${network} ${address}:${port}: connect: ${GO_ERRNO_TEXT[failure.code] ?? failure.message}`;
  // containerd's text, trailing space included.
  return `failed to connect to localhost:${port} inside namespace "${sandboxId}", IPv4: ${go('tcp4', '127.0.0.1', err.ipv4)} IPv6 ${go('tcp6', '[::1]', err.ipv6)} `;
}
