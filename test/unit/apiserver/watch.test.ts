// serveWatch over a real HTTP connection on loopback and a real store: framing, selector transitions, the
// initial-events bookmark and 410 for a resourceVersion the watch cache no longer holds.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { KubeObject } from '../../../src/api/object.js';
import { strategyFor } from '../../../src/apiserver/kinds/index.js';
import { parseListQuery } from '../../../src/apiserver/list-query.js';
import { findResource } from '../../../src/apiserver/resources.js';
import { serveWatch } from '../../../src/apiserver/watch.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

interface WatchEvent {
  type: string;
  object: {
    metadata: { name?: string; resourceVersion: string; annotations?: Record<string, string> };
    code?: number;
  };
}

const cm = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  metadata: { name, namespace: 'default', labels },
  data: {},
});

describe('watch streams', () => {
  let temp: TempStore;
  let server: Server;
  let base = '';
  beforeEach(async () => {
    temp = openTempStore({ watchCacheCapacity: 3 });
    const def = findResource('', 'v1', 'configmaps')!;
    server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      serveWatch({
        store: temp.store,
        target: {
          def,
          strategy: strategyFor(def.storageKey, def.kind, true),
          namespace: 'default',
          name: '',
        },
        query: parseListQuery(query),
        encode: (_t, o) => o,
        contentType: 'application/json',
        res,
        signal: abort.signal,
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    temp.dispose();
  });

  /** Opens a watch and collects events until `count` arrived. */
  function watch(query: string, count: number): Promise<WatchEvent[]> & { opened: Promise<void> } {
    let opened!: () => void;
    const openedPromise = new Promise<void>((r) => (opened = r));
    const events = new Promise<WatchEvent[]>((resolve, reject) => {
      const seen: WatchEvent[] = [];
      const req = get(`${base}/?${query}`, (res) => {
        opened();
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
            seen.push(JSON.parse(buffer.slice(0, nl)) as WatchEvent);
            buffer = buffer.slice(nl + 1);
            if (seen.length === count) {
              req.destroy();
              resolve(seen);
            }
          }
        });
        res.on('end', () => resolve(seen));
      });
      req.on('error', reject);
    });
    return Object.assign(events, { opened: openedPromise });
  }

  test('an object entering the label selector is ADDED, one leaving it DELETED', async () => {
    const rv = String(temp.store.resourceVersion());
    const w = watch(`resourceVersion=${rv}&labelSelector=team%3Da`, 3);
    await w.opened;
    temp.store.create('configmaps', cm('x', { team: 'b' }));
    temp.store.update('configmaps', cm('x', { team: 'a' }));
    temp.store.update('configmaps', { ...cm('x', { team: 'a' }), data: { k: 'v' } });
    temp.store.update('configmaps', cm('x', { team: 'b' }));
    const events = await w;
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED x', 'MODIFIED x', 'DELETED x'],
    );
  });

  test('sendInitialEvents lists what exists, then a bookmark marks the end of the initial events', async () => {
    temp.store.create('configmaps', cm('a'));
    temp.store.create('configmaps', cm('b'));
    const events = await watch(
      'sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan',
      3,
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'ADDED', 'BOOKMARK'],
    );
    assert.equal(events[2]?.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
    assert.equal(events[2]?.object.metadata.resourceVersion, String(temp.store.resourceVersion()));
  });

  test('a resourceVersion older than the watch cache holds is an ERROR event with a 410 Expired Status', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) temp.store.create('configmaps', cm(n));
    const events = await watch('resourceVersion=1', 1);
    assert.equal(events[0]?.type, 'ERROR');
    assert.equal(events[0]?.object.code, 410);
  });
});
