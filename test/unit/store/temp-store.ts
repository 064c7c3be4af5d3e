// A store in a fresh temporary directory, removed with everything in it when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/api/object.js';
import { ObjectStore } from '../../../src/store/object-store.js';
import type { StoreOptions } from '../../../src/store/types.js';

export interface TempStore {
  store: ObjectStore;
  file: string;
  /** Closes the store and opens the same file again (a restart). */
  reopen(options?: StoreOptions): ObjectStore;
  dispose(): void;
}

export function openTempStore(options: StoreOptions = {}): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'podlet-store-test-'));
  const file = join(dir, 'api', 'store.db');
  const temp: TempStore = {
    store: ObjectStore.open(file, options),
    file,
    reopen(reopenOptions = options) {
      temp.store.close();
      temp.store = ObjectStore.open(file, reopenOptions);
      return temp.store;
    },
    dispose() {
      temp.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return temp;
}

export function configMap(namespace: string, name: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}
