// Warnings for the Pod mistakes that bite people on a real node, returned with a successful create (kubectl prints
// them as `Warning: ...`). They never reject a pod: each is legal and sometimes meant.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';

interface PortUse {
  field: string;
  container: string;
}

/** Traps within one pod, and `hostPorts` of the other pods on the node (`namespace/name` by `port/protocol`). */
export function podTrapWarnings(pod: Pod, hostPortsInUse: ReadonlyMap<string, string>): string[] {
  const spec = pod.spec;
  if (spec === undefined) return [];
  const warnings: string[] = [];
  (spec.volumes ?? []).forEach((v, i) => {
    if (v.emptyDir && v.emptyDir.sizeLimit === undefined && v.emptyDir.medium !== 'Memory') {
      warnings.push(
        `spec.volumes[${i}].emptyDir: volume "${v.name}" has no sizeLimit: it may fill the node's disk and get every pod on the node evicted`,
      );
    }
  });
  const all = [
    ...(spec.initContainers ?? []).map((c, i) => ({
      c,
      field: `spec.initContainers[${i}]`,
      running: c.restartPolicy === 'Always',
    })),
    ...(spec.containers ?? []).map((c, i) => ({ c, field: `spec.containers[${i}]`, running: true })),
  ].filter((x) => x.running);
  const limited = all.filter((x) => x.c.resources?.limits?.memory !== undefined);
  if (limited.length > 0) {
    for (const { c, field } of all.filter((x) => x.c.resources?.limits?.memory === undefined)) {
      warnings.push(
        `${field}: container "${c.name}" has no memory limit while ${limited.map((x) => `"${x.c.name}"`).join(', ')} ${limited.length === 1 ? 'has' : 'have'} one: it can use all the node's memory`,
      );
    }
  }
  warnings.push(...portWarnings(all, hostPortsInUse));
  return warnings;
}

function portWarnings(
  all: { c: Container; field: string }[],
  hostPortsInUse: ReadonlyMap<string, string>,
): string[] {
  const warnings: string[] = [];
  const seen = new Map<string, PortUse>();
  for (const { c, field } of all) {
    (c.ports ?? []).forEach((p, j) => {
      const protocol = p.protocol ?? 'TCP';
      const key = `${p.containerPort}/${protocol}`;
      const earlier = seen.get(key);
      if (earlier && earlier.container !== c.name) {
        warnings.push(
          `${field}.ports[${j}]: containerPort ${key} is also declared by container "${earlier.container}" (${earlier.field}): containers of a pod share one network namespace, only one of them can listen on it`,
        );
      } else if (!earlier) seen.set(key, { field: `${field}.ports[${j}]`, container: c.name });
      if (p.hostPort) {
        const other = hostPortsInUse.get(`${p.hostPort}/${protocol}`);
        if (other) {
          warnings.push(
            `${field}.ports[${j}].hostPort: port ${p.hostPort}/${protocol} is already used by pod ${other} on this node: this pod's port mapping will not receive its traffic`,
          );
        }
      }
    });
  }
  return warnings;
}

/** The hostPorts the given pods hold, as `port/protocol` -> `namespace/name`. */
export function hostPortsOf(pods: readonly Pod[]): Map<string, string> {
  const used = new Map<string, string>();
  for (const pod of pods) {
    for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      for (const p of c.ports ?? []) {
        if (p.hostPort)
          used.set(
            `${p.hostPort}/${p.protocol ?? 'TCP'}`,
            `${pod.metadata?.namespace}/${pod.metadata?.name}`,
          );
      }
    }
  }
  return used;
}
