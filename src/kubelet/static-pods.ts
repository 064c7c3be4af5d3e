import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseManifests, type ManifestError } from '../api/manifest.js';
import {
  CONFIG_HASH_ANNOTATION,
  CONFIG_SEEN_ANNOTATION,
  CONFIG_SOURCE_ANNOTATION,
} from '../api/pod-annotations.js';
import type { Logger } from '../util/log.js';

export interface StaticPodSet {
  pods: Pod[];
  errors: ManifestError[];
}

/** Coalesces the burst of events one save makes (write, rename) without delaying a pod noticeably. */
const MANIFEST_DEBOUNCE_MS = 20;
const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/;

/**
 * Reads every Pod manifest of a directory the way the kubelet's file source does (pkg/kubelet/config/common.go):
 * the name gets `-<nodeName>`, the UID is a hash of the pod, the node and the source, so an edit makes a new pod.
 */
export async function readStaticPods(dir: string, nodeName: string): Promise<StaticPodSet> {
  const files = (await readdir(dir)).filter((f) => MANIFEST_EXTENSIONS.test(f) && !f.startsWith('.')).sort();
  const out: StaticPodSet = { pods: [], errors: [] };
  for (const file of files) {
    const path = join(dir, file);
    const text = await readFile(path, 'utf8');
    const { pods, errors } = parseManifests(text, path);
    out.errors.push(...errors);
    for (const pod of pods) out.pods.push(asStaticPod(pod, path, nodeName));
  }
  return out;
}

function asStaticPod(pod: Pod, source: string, nodeName: string): Pod {
  const meta = pod.metadata ?? {};
  const hash = createHash('md5').update(JSON.stringify(pod)).update(nodeName).update(source).digest('hex');
  return {
    ...pod,
    metadata: {
      ...meta,
      name: `${meta.name ?? ''}-${nodeName}`,
      namespace: meta.namespace ?? 'default',
      uid: hash,
      annotations: {
        ...meta.annotations,
        [CONFIG_SOURCE_ANNOTATION]: 'file',
        [CONFIG_HASH_ANNOTATION]: hash,
        [CONFIG_SEEN_ANNOTATION]: new Date().toISOString(),
      },
    },
    spec: { ...pod.spec!, nodeName },
  };
}

/** Calls `onChange` when the directory changes (inotify), debounced; returns a stop function. */
export function watchManifestDir(dir: string, onChange: () => void, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, MANIFEST_DEBOUNCE_MS);
  });
  watcher.on('error', (err) => logger.error({ err, dir }, 'manifest watcher failed'));
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
