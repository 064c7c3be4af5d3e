// Runs fuzz operations one by one against a live podlet and checks, after each, what must hold whatever the input:
// no 5xx, the daemon alive, a refused request changed nothing, acknowledged writes have increasing
// resourceVersions, and (at the end) watches opened at the start saw every change exactly once, in order.
import { PATCH_CONTENT_TYPES, rawBytes, type NameChoice, type Operation } from './api-fuzz-arbitraries.js';
import { KINDS, pinned, type Kind } from './api-fuzz-objects.js';
import { WatchCheck } from './api-fuzz-watch-check.js';
import { call, json, type ApiClient, type CallOptions, type Reply } from './api-fuzz-client.js';

export interface FuzzFigures {
  cases: number;
  requests: number;
  patches: number;
  fiveHundreds: number;
  rejectedThatChangedStore: number;
  wrongAcceptances: number;
  nonIncreasingVersions: number;
  conflictViolations: number;
  watchEvents: number;
  skippedOrDuplicated: number;
}

interface ObjectRef {
  kind: Kind;
  namespace: string;
  name: string;
}

interface Snapshot {
  /** The store's resourceVersion when the snapshot was taken: while it stays, nothing changed. */
  storeVersion: number;
  /** `kind ns/name` -> resourceVersion. */
  versions: Map<string, number>;
  refs: Map<string, ObjectRef>;
}

interface Sent {
  method: string;
  path: string;
  reply: Reply;
  write: boolean;
  dryRun: boolean;
}

const NOT_FOUND_NAMESPACE = 'fz-absent';
const OBJECT_CONTENT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

export class ApiFuzzer {
  readonly figures: FuzzFigures = {
    cases: 0,
    requests: 0,
    patches: 0,
    fiveHundreds: 0,
    rejectedThatChangedStore: 0,
    wrongAcceptances: 0,
    nonIncreasingVersions: 0,
    conflictViolations: 0,
    watchEvents: 0,
    skippedOrDuplicated: 0,
  };
  /** What went wrong, one line each, for the failure message. */
  readonly findings: string[] = [];
  private snapshot: Snapshot = { storeVersion: 0, versions: new Map(), refs: new Map() };
  private watch: WatchCheck | undefined;
  private lastAcknowledged = 0;
  private startVersion = 0;

  constructor(
    private readonly client: ApiClient,
    /** Namespaces operations run in; the first ones exist. */
    private readonly namespaces: readonly string[],
    private readonly alive: () => boolean,
  ) {}

  /** Takes the first snapshot and opens one watch per kind from its resourceVersion. */
  async start(): Promise<void> {
    const list = await call(this.client, 'GET', '/api/v1/namespaces');
    this.startVersion = Number(
      (list.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
    );
    this.snapshot = await this.takeSnapshot();
    this.watch = new WatchCheck(this.client, this.startVersion);
  }

  async run(op: Operation): Promise<void> {
    this.figures.cases += 1;
    const before = this.snapshot;
    const sent = await this.execute(op, before);
    if (!this.alive()) throw new Error(`podlet died on case ${this.figures.cases}: ${describe(op)}`);
    const after = await this.takeSnapshot();
    this.check(op, sent, before, after);
    this.snapshot = after;
  }

  /** Waits for the watches to catch up and counts the events they missed or saw twice. */
  async finish(): Promise<void> {
    const verdict = await this.watch?.finish();
    this.figures.watchEvents = verdict?.events ?? 0;
    this.figures.skippedOrDuplicated = verdict?.skippedOrDuplicated ?? 0;
    for (const f of verdict?.findings ?? []) this.finding(f);
  }

  /** The store's resourceVersion (a one-item list carries it), then every object's, unless it has not moved. */
  private async takeSnapshot(): Promise<Snapshot> {
    const probe = await call(this.client, 'GET', '/api/v1/namespaces?limit=1');
    const storeVersion = Number(
      (probe.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
    );
    if (storeVersion === this.snapshot.storeVersion) return this.snapshot;
    const snap: Snapshot = { storeVersion, versions: new Map(), refs: new Map() };
    for (const kind of KINDS) {
      const reply = await call(this.client, 'GET', `/api/v1/${kind}`);
      if (reply.status !== 200) throw new Error(`list ${kind}: ${reply.status} ${reply.text.slice(0, 200)}`);
      const items = (
        reply.json as { items: { metadata: { name: string; namespace?: string; resourceVersion: string } }[] }
      ).items;
      for (const item of items) {
        const ref = { kind, namespace: item.metadata.namespace ?? '', name: item.metadata.name };
        const key = keyOf(ref);
        const version = Number(item.metadata.resourceVersion);
        snap.versions.set(key, version);
        snap.refs.set(key, ref);
        this.watch?.expectVersion(key, version);
      }
    }
    return snap;
  }

  private check(op: Operation, sent: Sent[], before: Snapshot, after: Snapshot): void {
    for (const [key, version] of before.versions)
      if (!after.versions.has(key)) this.watch?.expectDeletion(key, version);
    let acknowledged = false;
    for (const s of sent) {
      this.figures.requests += 1;
      if (s.reply.status >= 500 || s.reply.status === 0) {
        this.figures.fiveHundreds += 1;
        this.finding(
          `${s.reply.status} for ${s.method} ${s.path.slice(0, 120)} (${describe(op)}): ${s.reply.text.slice(0, 300)}`,
        );
      }
      if (!s.write || s.dryRun || s.reply.status >= 300) continue;
      acknowledged = true;
      const meta = (
        s.reply.json as {
          kind?: string;
          metadata?: { resourceVersion?: string; name?: string; namespace?: string };
        }
      )?.metadata;
      if ((s.reply.json as { kind?: string })?.kind === 'Status' || meta?.resourceVersion === undefined)
        continue;
      const version = Number(meta.resourceVersion);
      const key = `${kindOfPath(s.path)} ${meta.namespace ?? ''}/${meta.name ?? ''}`;
      const unchanged = before.versions.get(key) === version;
      if (!unchanged && !(version > this.lastAcknowledged)) {
        this.figures.nonIncreasingVersions += 1;
        this.finding(`acknowledged ${s.method} ${s.path} at ${version}, not after ${this.lastAcknowledged}`);
      }
      this.lastAcknowledged = Math.max(this.lastAcknowledged, version);
    }
    if (acknowledged) return;
    const changed = diff(before, after);
    if (changed.length > 0) {
      this.figures.rejectedThatChangedStore += 1;
      this.finding(
        `refused ${describe(op)} (${sent.map((s) => s.reply.status).join(',')}) changed ${changed.slice(0, 3).join(', ')}`,
      );
    }
  }

  private finding(text: string): void {
    if (this.findings.length < 50) this.findings.push(text);
  }

  private async send(
    method: string,
    path: string,
    options: CallOptions & { write?: boolean } = {},
  ): Promise<Sent> {
    let reply: Reply;
    try {
      reply = await call(this.client, method, path, options);
    } catch (e) {
      reply = { status: 0, headers: {}, text: e instanceof Error ? e.message : String(e), json: undefined };
    }
    const write = options.write ?? !['GET', 'HEAD'].includes(method);
    return { method, path, reply, write, dryRun: /(^|[?&])dryRun=All/.test(path) };
  }

  private async execute(op: Operation, snap: Snapshot): Promise<Sent[]> {
    switch (op.op) {
      case 'create': {
        const body = op.kind === 'pods' ? pinned(op.object) : op.object;
        return [
          await this.send('POST', withQuery(this.collection(op.kind, op.namespace), op.query), json(body)),
        ];
      }
      case 'update': {
        const ref = this.resolve(op.kind, op.target, snap);
        const body = named(
          op.kind === 'pods' ? pinned(structuredClone(op.object)) : structuredClone(op.object),
          ref,
        );
        setVersion(body, op.version, snap.versions.get(keyOf(ref)));
        return [await this.send('PUT', withQuery(objectPath(ref), op.query), json(body))];
      }
      case 'patch': {
        this.figures.patches += 1;
        const ref = this.resolve(op.kind, op.target, snap);
        const body =
          op.patch === 'apply'
            ? named(op.kind === 'pods' ? pinned(structuredClone(op.body)) : structuredClone(op.body), ref)
            : op.body;
        const text = JSON.stringify(body) ?? 'null';
        const query =
          op.patch === 'apply' && !op.query.includes('fieldManager')
            ? `${op.query}&fieldManager=fuzz`
            : op.query;
        return [
          await this.send('PATCH', withQuery(objectPath(ref), query), {
            body: text,
            contentType: PATCH_CONTENT_TYPES[op.patch],
          }),
        ];
      }
      case 'delete': {
        const ref = this.resolve(op.kind, op.target, snap);
        const options = op.body === undefined ? {} : json(op.body);
        return [await this.send('DELETE', withQuery(objectPath(ref), op.query), options)];
      }
      case 'read': {
        const path =
          op.target === undefined
            ? this.collection(op.kind, op.namespace)
            : objectPath(this.resolve(op.kind, op.target, snap));
        const watching = /(^|&)watch=(true|1)(&|$)/.test(op.query);
        return [
          await this.send('GET', withQuery(path, op.query), { headersOnly: watching, timeoutMs: 10_000 }),
        ];
      }
      case 'raw':
        return [await this.raw(op, snap)];
      case 'conflict':
        return this.conflict(op.target, op.writers, op.patch, snap);
    }
  }

  private async raw(op: Extract<Operation, { op: 'raw' }>, snap: Snapshot): Promise<Sent> {
    if (op.contentType.includes('patch')) this.figures.patches += 1;
    const path =
      op.method === 'POST' ? this.collection(op.kind, 0) : objectPath(this.resolve(op.kind, op.target, snap));
    const body = rawBytes(op.body);
    const sent = await this.send(op.method, path, { body, contentType: op.contentType });
    // kube-apiserver refuses a content type it cannot decode (415) before it reads the body.
    const type = op.contentType.split(';')[0]?.trim() || 'application/json';
    const accepted = op.method === 'PATCH' ? Object.values(PATCH_CONTENT_TYPES) : OBJECT_CONTENT_TYPES;
    const expected = accepted.includes(type) ? 413 : 415;
    if (op.body.kind === 'huge' && sent.reply.status !== expected) {
      this.figures.wrongAcceptances += 1;
      this.finding(`a ${body.length}-byte ${op.contentType} body got ${sent.reply.status}, not ${expected}`);
    }
    return sent;
  }

  /** Several writers update one ConfigMap from the same resourceVersion at once: exactly one may win. */
  private async conflict(pick: number, writers: number, patch: boolean, snap: Snapshot): Promise<Sent[]> {
    const candidates = [...snap.refs.values()].filter(
      (r) => r.kind === 'configmaps' && this.namespaces.slice(0, 2).includes(r.namespace),
    );
    const sent: Sent[] = [];
    let ref = candidates[pick % Math.max(candidates.length, 1)];
    if (ref === undefined) {
      ref = { kind: 'configmaps', namespace: this.namespaces[0] ?? 'default', name: `fz-conflict-${pick}` };
      sent.push(
        await this.send(
          'POST',
          this.collection('configmaps', 0),
          json({ metadata: { name: ref.name }, data: {} }),
        ),
      );
    }
    const path = objectPath(ref);
    const current = await this.send('GET', path);
    const live = (current.reply.json as { metadata?: { resourceVersion?: string } } | undefined)?.metadata
      ?.resourceVersion;
    if (current.reply.status !== 200 || live === undefined) return [...sent, current];
    const attempts = Array.from({ length: writers }, (_, i) => {
      const labels = { 'fuzz-writer': `w${i}-${Date.now()}` };
      return patch
        ? this.send('PATCH', path, {
            body: JSON.stringify({ metadata: { resourceVersion: live, labels } }),
            contentType: PATCH_CONTENT_TYPES.merge,
          })
        : this.send(
            'PUT',
            path,
            json({
              ...(current.reply.json as object),
              metadata: { ...(current.reply.json as { metadata: object }).metadata, labels },
            }),
          );
    });
    const results = await Promise.all(attempts);
    const wins = results.filter((r) => r.reply.status < 300).length;
    const conflicts = results.filter((r) => r.reply.status === 409).length;
    if (wins !== 1 || conflicts !== writers - 1) {
      this.figures.conflictViolations += 1;
      const odd = results.find((r) => r.reply.status >= 300 && r.reply.status !== 409)?.reply.text ?? '';
      const codes = results.map((r) => r.reply.status).join(',');
      this.finding(`${writers} writers of ${path} from ${live}: ${codes} ${odd.slice(0, 300)}`);
    }
    return [...sent, current, ...results];
  }

  private collection(kind: Kind, namespace: number): string {
    if (kind === 'namespaces') return '/api/v1/namespaces';
    const ns = this.namespaces[namespace % this.namespaces.length] ?? NOT_FOUND_NAMESPACE;
    return `/api/v1/namespaces/${encodeURIComponent(ns)}/${kind}`;
  }

  /** An existing object by index (not the namespaces the fuzzer works in), or a fresh name in the first one. */
  private resolve(kind: Kind, choice: NameChoice, snap: Snapshot): ObjectRef {
    if ('existing' in choice) {
      const working = this.namespaces.slice(0, 2);
      const refs = [...snap.refs.values()].filter(
        (r) => r.kind === kind && !(kind === 'namespaces' && working.includes(r.name)),
      );
      const ref = refs[choice.existing % Math.max(refs.length, 1)];
      if (ref) return ref;
    }
    const name = 'fresh' in choice ? choice.fresh : 'fz-none';
    return { kind, namespace: kind === 'namespaces' ? '' : (this.namespaces[0] ?? 'default'), name };
  }
}

function keyOf(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

function objectPath(ref: ObjectRef): string {
  const name = encodeURIComponent(ref.name);
  return ref.kind === 'namespaces'
    ? `/api/v1/namespaces/${name}`
    : `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/${ref.kind}/${name}`;
}

function kindOfPath(path: string): Kind {
  const parts = path.split('?')[0]?.split('/') ?? [];
  if (parts[3] === 'namespaces' && parts.length <= 5) return 'namespaces';
  return (parts[5] ?? 'namespaces') as Kind;
}

function withQuery(path: string, query: string): string {
  return query === '' ? path : `${path}?${query.replace(/^&/, '')}`;
}

function setVersion(
  body: unknown,
  choice: Extract<Operation, { op: 'update' }>['version'],
  live: number | undefined,
): void {
  const meta = (body as { metadata?: unknown } | null)?.metadata;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return;
  const m = meta as Record<string, unknown>;
  if (choice === 'none') delete m.resourceVersion;
  else if (choice === 'live') m.resourceVersion = live === undefined ? undefined : String(live);
  else if (choice === 'stale') m.resourceVersion = live === undefined ? '1' : String(live - 1);
  else m.resourceVersion = choice.garbage;
}

/** Most bodies name the object they are sent to (a mismatch is one 400, the raw cases send those). */
function named(body: unknown, ref: ObjectRef): unknown {
  const meta = (body as { metadata?: unknown } | null)?.metadata;
  if (meta !== null && typeof meta === 'object' && !Array.isArray(meta))
    (meta as Record<string, unknown>).name = ref.name;
  return body;
}

function diff(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [key, v] of after.versions) if (before.versions.get(key) !== v) out.push(`${key}@${v}`);
  for (const key of before.versions.keys()) if (!after.versions.has(key)) out.push(`${key} (gone)`);
  return out;
}

function describe(op: Operation): string {
  const text = JSON.stringify(op, (_k, v: unknown) =>
    typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v,
  );
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
