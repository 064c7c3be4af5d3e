// downwardAPI volumes (pkg/volume/downwardapi CollectData): pod fields and container resources as files.
import { join } from 'node:path';
import type {
  DownwardAPIVolumeFile,
  ObjectFieldSelector,
  Pod,
  ResourceFieldSelector,
} from 'kubernetes-types/core/v1.js';
import { goQuote } from '../api/errors.js';
import { nanosToMilli, nanosToUnits, parseQuantityValue, quantityToNanos } from '../api/quantity.js';
import { containerLimits, containerRequests } from '../api/resources.js';
import type { Payload } from './atomic-writer.js';
import { aggregateMessages, VolumeSetUpError } from './errors.js';
import { DEFAULT_VOLUME_FILE_MODE } from './key-projection.js';

/** What an unset limit resolves to (MergeContainerResourceLimits with the node's allocatable). */
export interface Allocatable {
  milliCpu: bigint;
  memoryBytes: bigint;
}

export const DOWNWARD_API_PLUGIN_DIR = 'kubernetes.io~downward-api';

export function downwardApiVolumePath(podDir: string, name: string): string {
  return join(podDir, 'volumes', DOWNWARD_API_PLUGIN_DIR, name);
}

/** The files of a downwardAPI volume (or projected source); every failing item is reported, aggregated. */
export function downwardApiPayload(
  pod: Pod,
  items: readonly DownwardAPIVolumeFile[],
  defaultMode: number | undefined,
  allocatable: Allocatable,
): Payload {
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const item of items) {
    try {
      const value = item.fieldRef
        ? podFieldValue(pod, item.fieldRef)
        : item.resourceFieldRef
          ? resourceFieldValue(pod, item.resourceFieldRef, allocatable)
          : '';
      const mode = item.mode ?? defaultMode ?? DEFAULT_VOLUME_FILE_MODE;
      payload.set(item.path, { data: Buffer.from(value, 'utf8'), mode });
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (errors.length > 0) throw new VolumeSetUpError(aggregateMessages(errors));
  return payload;
}

/** fieldpath.ExtractFieldPathAsString: the metadata a volume may show. */
export function podFieldValue(pod: Pod, ref: ObjectFieldSelector): string {
  const meta = pod.metadata;
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(ref.fieldPath);
  if (subscript) {
    const map = subscript[1] === 'labels' ? meta?.labels : meta?.annotations;
    return map?.[subscript[2] ?? ''] ?? '';
  }
  switch (ref.fieldPath) {
    case 'metadata.labels':
      return formatMap(meta?.labels ?? {});
    case 'metadata.annotations':
      return formatMap(meta?.annotations ?? {});
    case 'metadata.name':
      return meta?.name ?? '';
    case 'metadata.namespace':
      return meta?.namespace ?? '';
    case 'metadata.uid':
      return meta?.uid ?? '';
    default:
      throw new VolumeSetUpError(`unsupported fieldPath: ${ref.fieldPath}`);
  }
}

/**
 * ExtractResourceValueByContainerNameAndNodeAllocatable: the named container's request or limit divided by the
 * divisor, rounded up (cpu in millicores, the rest in units); an unset limit is the node's allocatable.
 */
export function resourceFieldValue(pod: Pod, ref: ResourceFieldSelector, allocatable: Allocatable): string {
  const spec = pod.spec;
  const name = ref.containerName ?? '';
  const container = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].find(
    (c) => c.name === name,
  );
  if (!container) throw new VolumeSetUpError(`container ${name} not found`);
  const [kind, resource = ''] = ref.resource.split(/\.(.*)/s);
  if (kind !== 'limits' && kind !== 'requests')
    throw new VolumeSetUpError(`unsupported container resource : ${ref.resource}`);
  let nanos = (kind === 'limits' ? containerLimits(container) : containerRequests(container)).get(resource);
  if (nanos === undefined && kind === 'limits') {
    if (resource === 'cpu') nanos = allocatable.milliCpu * 1_000_000n;
    if (resource === 'memory') nanos = allocatable.memoryBytes * 1_000_000_000n;
  }
  const divisor = quantityToNanos(parseQuantityValue(ref.divisor ?? '1'));
  if (divisor <= 0n) throw new VolumeSetUpError(`invalid divisor for ${ref.resource}`);
  const toScale = resource === 'cpu' ? nanosToMilli : nanosToUnits;
  const [amount, per] = [toScale(nanos ?? 0n), toScale(divisor)];
  return String((amount + per - 1n) / per);
}

/** fieldpath.FormatMap: `key="value"` lines sorted by key, values quoted as Go's %q, no trailing newline. */
export function formatMap(map: Record<string, string>): string {
  return Object.keys(map)
    .sort()
    .map((k) => `${k}=${goQuote(map[k] ?? '')}`)
    .join('\n');
}
