// What /proc says about one of a pod's processes: its namespaces, its oom_score_adj, and the TCP ports listening in
// its network namespace.
import { readFile, readlink } from 'node:fs/promises';
import { NAMESPACE_TYPES, type NamespaceType } from './types.js';

/** `net:[4026532456]` → 4026532456; undefined when the process is gone. */
export async function namespaceInodes(
  pid: number | 'self',
): Promise<Record<NamespaceType, number> | undefined> {
  try {
    const entries = await Promise.all(
      NAMESPACE_TYPES.map(async (type) => {
        const link = await readlink(`/proc/${pid}/ns/${type}`);
        const inode = /\[(\d+)\]/.exec(link)?.[1];
        return [type, Number(inode)] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<NamespaceType, number>;
  } catch {
    return undefined;
  }
}

export async function oomScoreAdj(pid: number): Promise<number | undefined> {
  return readFile(`/proc/${pid}/oom_score_adj`, 'utf8').then(
    (text) => Number(text.trim()),
    () => undefined,
  );
}

export interface ListeningSocket {
  protocol: 'tcp' | 'tcp6';
  address: string;
  port: number;
}

const TCP_LISTEN = '0A';

/** Sockets in LISTEN state in the process's network namespace (/proc/PID/net/tcp and tcp6). */
export async function listeningSockets(pid: number): Promise<ListeningSocket[]> {
  const out: ListeningSocket[] = [];
  for (const protocol of ['tcp', 'tcp6'] as const) {
    const table = await readFile(`/proc/${pid}/net/${protocol}`, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state] = [fields[1], fields[3]];
      if (local === undefined || state !== TCP_LISTEN) continue;
      const [hexAddress = '', hexPort = ''] = local.split(':');
      out.push({ protocol, address: kernelAddress(hexAddress), port: parseInt(hexPort, 16) });
    }
  }
  return out.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

/** The kernel prints addresses as 32-bit words in host (little-endian) byte order. */
function kernelAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) =>
    (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16),
  );
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
