// Server-set metadata (k8s.io/apiserver/pkg/registry/rest/create.go FillObjectMetaSystemFields, names.go).
import { randomBytes, randomUUID } from 'node:crypto';
import type { KubeObject, StoredObject, WritableMeta } from '../api/object.js';
import { kubeTime } from '../api/time.js';

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName + 5 random characters from kube's alphabet (no vowels, no confusable digits). */
export function generatedName(prefix: string): string {
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length];
  // Names are at most 63 characters of prefix + suffix (MaxGeneratedNameLength).
  return `${prefix.slice(0, 58)}${suffix}`;
}

export function fillCreateMeta(object: KubeObject, now: Date): void {
  const meta: WritableMeta = (object.metadata ??= {});
  if (!meta.name && meta.generateName) meta.name = generatedName(meta.generateName);
  meta.uid = randomUUID();
  meta.creationTimestamp = kubeTime(now);
  meta.generation = 1;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
}

/** On update the identity and system fields stay as stored, whatever the body says. */
export function keepSystemMeta(object: KubeObject, old: StoredObject, bumpGeneration: boolean): void {
  const meta: WritableMeta = (object.metadata ??= {});
  meta.name = old.metadata.name;
  if (old.metadata.namespace !== undefined) meta.namespace = old.metadata.namespace;
  meta.uid = old.metadata.uid ?? '';
  meta.creationTimestamp = old.metadata.creationTimestamp ?? '';
  meta.generation = (old.metadata.generation ?? 1) + (bumpGeneration ? 1 : 0);
  if (old.metadata.deletionTimestamp) {
    meta.deletionTimestamp = old.metadata.deletionTimestamp;
    if (old.metadata.deletionGracePeriodSeconds !== undefined)
      meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  } else {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
  }
}

/** Objects are served with their kind and apiVersion even when stored without (lists omit them per item). */
export function withTypeMeta<T extends KubeObject>(object: T, apiVersion: string, kind: string): T {
  return { apiVersion, kind, ...object };
}
