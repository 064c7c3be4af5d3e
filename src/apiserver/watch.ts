// Watch streams (k8s.io/apiserver/pkg/endpoints/handlers/watch.go): headers flushed at once, one JSON event per
// line, objects entering or leaving the selectors seen as ADDED/DELETED, bookmarks, the timeout, 410 Expired.
import type { ServerResponse } from 'node:http';
import type { StoredObject } from '../api/object.js';
import { TooOldResourceVersionError } from '../store/errors.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import type { ListQuery } from './list-query.js';
import { matches } from './list-query.js';
import { apiVersionOf } from './resources.js';
import { toVersion } from './versions.js';
import type { Target } from './rest.js';
import { expired } from './status.js';

/** How often an idle watch gets a BOOKMARK when the client allows them (the watch cache sends one a minute). */
const BOOKMARK_INTERVAL_MS = 30_000;
/** Server-side cap on a watch's life when the client names none (MinRequestTimeout 1800 s, randomised). */
const DEFAULT_TIMEOUT_S = 1800;

export type EventEncoder = (type: string, object: StoredObject) => unknown;

export interface WatchRequest {
  store: ObjectStore;
  target: Target;
  query: ListQuery;
  encode: EventEncoder;
  contentType: string;
  res: ServerResponse;
  signal: AbortSignal;
}

export function serveWatch(w: WatchRequest): void {
  const { target, query, res } = w;
  const apiVersion = apiVersionOf(target.def);
  const typed = (o: StoredObject) => toVersion(target.def, o);
  const inScope = (o: StoredObject) =>
    (target.namespace === '' || o.metadata.namespace === target.namespace) &&
    (target.name === '' || o.metadata.name === target.name);
  const passes = (o: StoredObject) => inScope(o) && matches(query, target.strategy, o);
  const controller = new AbortController();
  const stop = () => controller.abort();
  w.signal.addEventListener('abort', stop, { once: true });
  const send = (type: string, object: StoredObject) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object: w.encode(type, typed(object)) })}\n`);
  };
  const fromVersion = query.sendInitialEvents ? undefined : query.resourceVersion;
  let lastVersion = fromVersion && fromVersion !== '0' ? fromVersion : String(w.store.resourceVersion());
  // An object entering the selectors is ADDED for this watch, one leaving them DELETED (the watch cache's
  // filtering, which compares with the previous state).
  const onEvent = (event: StoreEvent) => {
    lastVersion = String(event.resourceVersion);
    const matchesNow = event.type !== 'DELETED' && passes(event.object);
    const matchedBefore =
      event.type === 'DELETED'
        ? passes(event.object)
        : event.previous !== undefined && passes(event.previous);
    if (matchesNow && matchedBefore) send('MODIFIED', event.object);
    else if (matchesNow) send('ADDED', event.object);
    else if (matchedBefore) send('DELETED', event.object);
  };
  try {
    w.store.watch(
      {
        resource: target.def.storageKey,
        ...(target.namespace ? { namespace: target.namespace } : {}),
        ...(fromVersion !== undefined ? { resourceVersion: fromVersion } : {}),
        signal: controller.signal,
      },
      onEvent,
    );
  } catch (e) {
    w.signal.removeEventListener('abort', stop);
    if (e instanceof TooOldResourceVersionError) {
      res.writeHead(200, { 'Content-Type': w.contentType, 'Transfer-Encoding': 'chunked' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: expired(e.message).status })}\n`);
      return;
    }
    throw e;
  }
  res.writeHead(200, {
    'Content-Type': w.contentType,
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  // The store hands the initial events over in a microtask; the end marker follows them, at the list's version.
  const initialVersion = String(w.store.resourceVersion());
  if (query.sendInitialEvents && query.allowWatchBookmarks)
    setImmediate(() => sendBookmark(res, target, apiVersion, initialVersion, true));
  const bookmarks = query.allowWatchBookmarks
    ? setInterval(() => sendBookmark(res, target, apiVersion, lastVersion, false), BOOKMARK_INTERVAL_MS)
    : undefined;
  const timeout = setTimeout(() => controller.abort(), (query.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000);
  controller.signal.addEventListener(
    'abort',
    () => {
      clearInterval(bookmarks);
      clearTimeout(timeout);
      w.signal.removeEventListener('abort', stop);
      if (!res.writableEnded) res.end();
    },
    { once: true },
  );
}

/** A BOOKMARK carries only the resourceVersion; the end of the initial events is marked by an annotation. */
function sendBookmark(
  res: ServerResponse,
  target: Target,
  apiVersion: string,
  resourceVersion: string,
  initialEnd: boolean,
): void {
  if (res.writableEnded) return;
  const object = {
    kind: target.def.kind,
    apiVersion,
    metadata: {
      resourceVersion,
      ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
    },
  };
  res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
}
