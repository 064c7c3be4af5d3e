// Error and value texts the way Go prints them, so messages read like a real kubelet's
// (net.JoinHostPort, fmt %q, syscall error strings as wrapped by net.OpError).

/** The Kubernetes version probes announce in User-Agent (`kube-probe/1.33`, pkg/probe/http/request.go). */
export const KUBE_VERSION = '1.33';

/** net.JoinHostPort: IPv6 literals get brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** fmt's %q for the strings kubelet quotes (JSON escaping is the same for everything printable). */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** fmt's %v of a []string: `[sh -c exit 1]`. */
export function goStringSlice(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

/** format.Pod (pkg/kubelet/util/format): `name_namespace(uid)`. */
export function formatPod(pod: { metadata?: { name?: string; namespace?: string; uid?: string } }): string {
  const m = pod.metadata;
  return `${m?.name ?? ''}_${m?.namespace ?? ''}(${m?.uid ?? ''})`;
}

const SYSCALL_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EPIPE: 'broken pipe',
};

/** The code of a Node system error, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The message of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A failed connect as Go's dialer reports it: `dial tcp 10.1.0.5:80: connect: connection refused`. */
export function dialErrorText(hostPort: string, err: unknown): string {
  const code = errorCode(err);
  if (code === 'ETIMEDOUT') return `dial tcp ${hostPort}: i/o timeout`;
  const text = code === undefined ? undefined : SYSCALL_TEXT[code];
  if (text !== undefined) return `dial tcp ${hostPort}: connect: ${text}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `dial tcp: lookup ${hostPort.replace(/:\d+$/, '')}: no such host`;
  return `dial tcp ${hostPort}: ${errorMessage(err)}`;
}

/** An error on an established connection: `read tcp 10.1.0.1:40000->10.1.0.5:80: read: connection reset by peer`. */
export function readErrorText(local: string | undefined, remote: string, err: unknown): string {
  const code = errorCode(err);
  if (code === 'ECONNRESET' && errorMessage(err) === 'socket hang up') return 'EOF';
  const text = code === undefined ? undefined : SYSCALL_TEXT[code];
  if (text === undefined) return errorMessage(err);
  return `read tcp ${local === undefined ? '' : `${local}->`}${remote}: read: ${text}`;
}
