// configMap volumes (pkg/volume/configmap): a directory on disk under the pod, filled by the atomic writer.
import { join } from 'node:path';
import type { ConfigMap, ConfigMapVolumeSource } from 'kubernetes-types/core/v1.js';
import { ensureDir } from '../util/fs.js';
import { writeAtomically, type Payload } from './atomic-writer.js';
import { VolumeSetUpError } from './errors.js';
import { DEFAULT_VOLUME_FILE_MODE, keyedPayload, type KeyedData } from './key-projection.js';

export const CONFIGMAP_PLUGIN_DIR = 'kubernetes.io~configmap';

export function configMapVolumePath(podDir: string, name: string): string {
  return join(podDir, 'volumes', CONFIGMAP_PLUGIN_DIR, name);
}

/** `data` and `binaryData` as bytes (a key is in one or the other; validation refuses both). */
export function configMapData(cm: ConfigMap): KeyedData {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  return { kind: 'configmap', data };
}

/**
 * The files of a configMap volume; a missing ConfigMap is an error unless the volume is optional, when the volume
 * is empty (configmap.go SetUpAt).
 */
export function configMapPayload(source: ConfigMapVolumeSource, cm: ConfigMap | undefined): Payload {
  const optional = source.optional === true;
  if (!cm && !optional) throw new VolumeSetUpError(`configmap "${source.name ?? ''}" not found`);
  const data: KeyedData = cm ? configMapData(cm) : { kind: 'configmap', data: new Map() };
  return keyedPayload(data, source.items, source.defaultMode ?? DEFAULT_VOLUME_FILE_MODE, optional);
}

/** Writes the volume (only when its content changed); returns its host path. */
export async function setUpConfigMap(podDir: string, name: string, payload: Payload): Promise<string> {
  const path = configMapVolumePath(podDir, name);
  await ensureDir(path, 0o777);
  await writeAtomically(path, payload);
  return path;
}
