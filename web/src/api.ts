// The Kubernetes API as the app uses it: same origin, the session cookie, JSON reads, and list-then-watch
// collections kept current from the watch stream (one JSON event per line).
import type { Table, TableRow } from './table.js';

export class ApiError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    message: string,
  ) {
    super(`${path}: ${status} ${message}`);
    this.name = 'ApiError';
  }
}

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';

async function fetchOk(path: string, signal: AbortSignal, accept = 'application/json'): Promise<Response> {
  const res = await fetch(path, { headers: { Accept: accept }, credentials: 'same-origin', signal });
  if (res.status === 401) {
    // The session ended (a daemon restart forgets it): the server's page says how to log in again.
    window.location.assign('/ui/');
  }
  if (!res.ok) throw new ApiError(path, res.status, (await res.text()).slice(0, 200));
  return res;
}

export async function getJson<T>(path: string, signal: AbortSignal): Promise<T> {
  return (await (await fetchOk(path, signal)).json()) as T;
}

/** The lines of a streamed body as they arrive (a watch, a followed log). */
export async function* streamLines(res: Response): AsyncGenerator<string> {
  if (res.body === null) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const parts = (pending + value).split('\n');
    pending = parts.pop() ?? '';
    yield* parts;
  }
  if (pending !== '') yield pending;
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

interface Keyed {
  metadata?: { uid?: string; name?: string; namespace?: string; resourceVersion?: string };
}

function keyOf(o: Keyed): string {
  return o.metadata?.uid ?? `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** `/api/v1/namespaces/NS/RESOURCE`, narrowed by a field selector (`metadata.name=web`). */
export function collectionPath(namespace: string, resource: string, fieldSelector: string): string {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}`;
  return `${path}?fieldSelector=${encodeURIComponent(fieldSelector)}`;
}

function withQuery(path: string, params: Record<string, string>): string {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.pathname + url.search;
}

/**
 * Lists `path` then follows its watch, calling `onChange` with every item after each change, until `signal`
 * aborts. A watch that ends (the server's timeout, a restart) starts over with a fresh list, as informers do.
 */
export async function listAndWatch<T extends Keyed>(
  path: string,
  signal: AbortSignal,
  onChange: (items: T[]) => void,
): Promise<void> {
  while (!signal.aborted) {
    const list = await getJson<{ metadata: { resourceVersion: string }; items: T[] }>(path, signal);
    const items = new Map(list.items.map((i) => [keyOf(i), i]));
    onChange([...items.values()]);
    const watchPath = withQuery(path, { watch: '1', resourceVersion: list.metadata.resourceVersion });
    for await (const line of streamLines(await fetchOk(watchPath, signal))) {
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as WatchEvent<T>;
      if (event.type === 'ERROR') break;
      if (event.type === 'BOOKMARK') continue;
      if (event.type === 'DELETED') items.delete(keyOf(event.object));
      else items.set(keyOf(event.object), event.object);
      onChange([...items.values()]);
    }
  }
}

/** Like listAndWatch, for a collection as kubectl prints it: server-side Table rows with their objects. */
export async function listAndWatchTable<T extends Keyed>(
  path: string,
  signal: AbortSignal,
  onChange: (table: Table<T>) => void,
): Promise<void> {
  const tablePath = withQuery(path, { includeObject: 'Object' });
  while (!signal.aborted) {
    const res = await fetchOk(tablePath, signal, TABLE_ACCEPT);
    const table = (await res.json()) as Table<T>;
    const rows = new Map(table.rows.map((r) => [keyOf(r.object), r]));
    const emit = () => onChange({ ...table, rows: [...rows.values()] });
    emit();
    const watchPath = withQuery(tablePath, { watch: '1', resourceVersion: table.metadata.resourceVersion });
    for await (const line of streamLines(await fetchOk(watchPath, signal, TABLE_ACCEPT))) {
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as WatchEvent<Table<T>>;
      if (event.type === 'ERROR') break;
      const row: TableRow<T> | undefined = event.object.rows?.[0];
      if (event.type === 'BOOKMARK' || row === undefined) continue;
      if (event.type === 'DELETED') rows.delete(keyOf(row.object));
      else rows.set(keyOf(row.object), row);
      emit();
    }
  }
}

/** Follows a container's log, calling `onLine` per line, until `signal` aborts or the container ends. */
export async function followLog(
  path: string,
  signal: AbortSignal,
  onLine: (line: string) => void,
): Promise<void> {
  const res = await fetchOk(withQuery(path, { follow: 'true', tailLines: '100' }), signal, 'text/plain');
  for await (const line of streamLines(res)) onLine(line);
}

/** Runs `task` until the component unmounts; errors other than the abort land in `onError`. */
export function runUntilAborted(
  task: (signal: AbortSignal) => Promise<void>,
  onError: (e: Error) => void,
): () => void {
  const controller = new AbortController();
  task(controller.signal).catch((e: unknown) => {
    if (!controller.signal.aborted) onError(e instanceof Error ? e : new Error(String(e)));
  });
  return () => controller.abort();
}
