// ConfigMap and Secret data as volume files (pkg/volume/configmap MakePayload, pkg/volume/secret MakePayload):
// every key as a file of its name, or only the listed `items` at their paths.
import type { KeyToPath } from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';
import { VolumeSetUpError } from './errors.js';

/** The defaultMode of configMap, secret, downwardAPI and projected volumes (k8s.io/api core/v1 types.go). */
export const DEFAULT_VOLUME_FILE_MODE = 0o644;

export interface KeyedData {
  /** `configmap` or `secret`: how a missing key is reported. */
  kind: 'configmap' | 'secret';
  data: Map<string, Buffer>;
}

export function keyedPayload(
  source: KeyedData,
  items: readonly KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
): Payload {
  const payload: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [key, data] of source.data) payload.set(key, { data, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const data = source.data.get(item.key);
    if (!data) {
      if (optional) continue;
      const what = source.kind === 'configmap' ? 'config' : 'secret';
      throw new VolumeSetUpError(`${source.kind} references non-existent ${what} key: ${item.key}`);
    }
    payload.set(item.path, { data, mode: item.mode ?? defaultMode });
  }
  return payload;
}
