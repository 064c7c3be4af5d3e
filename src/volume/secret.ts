// secret volumes (pkg/volume/secret): like configMap, but on a tmpfs of their own so that secret data never
// reaches the node's disk.
import { join } from 'node:path';
import type { Secret, SecretVolumeSource } from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';
import { VolumeSetUpError } from './errors.js';
import { DEFAULT_VOLUME_FILE_MODE, keyedPayload, type KeyedData } from './key-projection.js';

export const SECRET_PLUGIN_DIR = 'kubernetes.io~secret';

export function secretVolumePath(podDir: string, name: string): string {
  return join(podDir, 'volumes', SECRET_PLUGIN_DIR, name);
}

export function secretData(secret: Secret): KeyedData {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) data.set(k, Buffer.from(v, 'base64'));
  // The API server folds stringData into data; a Secret that still carries it wins with it, as on write.
  for (const [k, v] of Object.entries(secret.stringData ?? {})) data.set(k, Buffer.from(v, 'utf8'));
  return { kind: 'secret', data };
}

/** The files of a secret volume; a missing Secret is an error unless the volume is optional (secret.go SetUpAt). */
export function secretPayload(source: SecretVolumeSource, secret: Secret | undefined): Payload {
  const optional = source.optional === true;
  if (!secret && !optional) throw new VolumeSetUpError(`secret "${source.secretName ?? ''}" not found`);
  const data: KeyedData = secret ? secretData(secret) : { kind: 'secret', data: new Map() };
  return keyedPayload(data, source.items, source.defaultMode ?? DEFAULT_VOLUME_FILE_MODE, optional);
}
