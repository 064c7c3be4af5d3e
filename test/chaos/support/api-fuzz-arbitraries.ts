// fast-check operations for the API fuzzer: creates, updates, patches of every type, deletes, reads with bad
// selectors and query parameters, raw bodies no parser should choke on, and concurrent conflicting writers. An operation names its target by index, resolved against the live objects
// when it runs, so generation needs no state.
import fc from 'fast-check';
import { dnsLabel, KINDS, name, objectOf, oddValue, type Kind } from './api-fuzz-objects.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';
export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** How an operation names an object: one that exists now (by index) or a generated name. */
export type NameChoice = { existing: number } | { fresh: string };

export type Operation =
  | { op: 'create'; kind: Kind; namespace: number; object: unknown; query: string }
  | { op: 'update'; kind: Kind; target: NameChoice; object: unknown; version: VersionChoice; query: string }
  | { op: 'patch'; kind: Kind; target: NameChoice; patch: PatchType; body: unknown; query: string }
  | { op: 'delete'; kind: Kind; target: NameChoice; body: unknown; query: string }
  | { op: 'read'; kind: Kind; namespace: number; target: NameChoice | undefined; query: string }
  | {
      op: 'raw';
      kind: Kind;
      method: 'POST' | 'PUT' | 'PATCH';
      target: NameChoice;
      contentType: string;
      body: RawBody;
    }
  | { op: 'conflict'; target: number; writers: number; patch: boolean };

/** The resourceVersion an update carries: the live one, a stale one, garbage, or none. */
export type VersionChoice = 'live' | 'stale' | 'none' | { garbage: string };

/** Bodies generated lazily (some are megabytes): described here, built when sent. */
export type RawBody =
  | { kind: 'bytes'; bytes: number[] }
  | { kind: 'text'; text: string }
  | { kind: 'nested'; depth: number; open: '[' | '{"a":' }
  | { kind: 'huge'; bytes: number };

const kind = fc.constantFrom(...KINDS);
const nameChoice: fc.Arbitrary<NameChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((existing) => ({ existing })) },
  { weight: 1, arbitrary: name.map((fresh) => ({ fresh })) },
);

const writeQuery = fc
  .record(
    {
      fieldValidation: fc.constantFrom('Strict', 'Warn', 'Ignore', 'bogus'),
      dryRun: fc.constantFrom('All', 'Some', ''),
      fieldManager: fc.oneof(dnsLabel, fc.constant('x'.repeat(200))),
      force: fc.constantFrom('true', 'false', 'yes'),
    },
    { requiredKeys: [] },
  )
  .map((q) => new URLSearchParams(q as Record<string, string>).toString());

const jsonPatchOp = fc.record(
  {
    op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'frobnicate'),
    path: fc.constantFrom(
      '/metadata/labels/a',
      '/data/k',
      '/spec',
      '',
      '/',
      '/metadata/name',
      '/x~2y',
      '/spec/containers/0/image',
      '/metadata/resourceVersion',
      '/data/-',
    ),
    from: fc.constantFrom('/metadata/labels', '/data', '/nope'),
    value: oddValue,
  },
  { requiredKeys: ['op'] },
);

const patchBody = (patch: PatchType, k: Kind): fc.Arbitrary<unknown> => {
  if (patch === 'json')
    return fc.oneof(
      { weight: 4, arbitrary: fc.array(jsonPatchOp, { maxLength: 4 }) },
      { weight: 1, arbitrary: oddValue },
    );
  if (patch === 'apply') return objectOf(k);
  return fc.oneof(
    { weight: 2, arbitrary: objectOf(k) },
    {
      weight: 2,
      arbitrary: fc.record({
        metadata: fc.record({ labels: fc.dictionary(dnsLabel, fc.oneof(dnsLabel, fc.constant(null))) }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          data: fc.dictionary(dnsLabel, oddValue),
          $patch: fc.constantFrom('replace', 'delete', 'merge', 'bogus'),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: oddValue },
  );
};

const readQuery = fc
  .record(
    {
      labelSelector: fc.constantFrom(
        'a=b',
        'a in (b,c)',
        '!a',
        'a!=',
        '==',
        'a in (',
        ',,',
        'a=b,c notin (d)',
        'x'.repeat(100),
        'a=日本',
      ),
      fieldSelector: fc.constantFrom(
        'metadata.name=x',
        'metadata.namespace!=default',
        'spec.nodeName=n',
        'status.phase=Running',
        'bogus=1',
        'metadata.name',
        '=',
        'a=b=c',
      ),
      limit: fc.constantFrom('1', '2', '0', '-1', 'abc', '1e3', '99999999999999999999', '3.5'),
      continue: fc.constantFrom('abc', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJhIn0', '%%%', ''),
      resourceVersion: fc.constantFrom('0', '1', '-1', 'abc', '99999999999', ''),
      resourceVersionMatch: fc.constantFrom('NotOlderThan', 'Exact', 'bogus'),
      timeoutSeconds: fc.constantFrom('1', '0', '-5', 'abc', '1.5', '99999999999999'),
      watch: fc.constantFrom('true', 'false', '1', 'yes'),
      allowWatchBookmarks: fc.constantFrom('true', 'bogus'),
      sendInitialEvents: fc.constantFrom('true', 'false', 'bogus'),
    },
    { requiredKeys: [] },
  )
  .map((q) => new URLSearchParams(q as Record<string, string>).toString());

const rawBody: fc.Arbitrary<RawBody> = fc.oneof(
  fc
    .array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 })
    .map((bytes) => ({ kind: 'bytes' as const, bytes })),
  fc
    .constantFrom(
      '{',
      '{"metadata":',
      'null',
      '[]',
      '"x"',
      '{"kind":1}',
      '{"metadata":{"name":["x"]}}',
      'a: [',
      '{"a":1}{"b":2}',
      '\ufeff{}',
      '{"metadata":{"name":"x","name":"y"}}',
    )
    .map((text) => ({ kind: 'text' as const, text })),
  fc
    .tuple(fc.constantFrom(100, 1000, 10_000, 100_000), fc.constantFrom('[' as const, '{"a":' as const))
    .map(([depth, open]) => ({ kind: 'nested' as const, depth, open })),
  fc.constantFrom(3 * 1024 * 1024 + 1, 4 * 1024 * 1024).map((bytes) => ({ kind: 'huge' as const, bytes })),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'text/plain',
  'application/json; charset=utf-16',
  '',
  ...Object.values(PATCH_CONTENT_TYPES),
);

export const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({
        op: fc.constant('create' as const),
        kind,
        namespace: fc.nat(),
        object: fc.constant(null),
        query: writeQuery,
      })
      .chain((o) => objectOf(o.kind).map((object) => ({ ...o, object }))),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        op: fc.constant('update' as const),
        kind,
        target: nameChoice,
        object: fc.constant(null),
        version: fc.oneof(
          fc.constantFrom<VersionChoice>('live', 'stale', 'none'),
          fc.constantFrom('abc', '-1', '99999999').map((garbage) => ({ garbage })),
        ),
        query: writeQuery,
      })
      .chain((o) => objectOf(o.kind).map((object) => ({ ...o, object }))),
  },
  {
    weight: 5,
    arbitrary: fc
      .record({
        op: fc.constant('patch' as const),
        kind,
        target: nameChoice,
        patch: fc.constantFrom<PatchType>('json', 'merge', 'strategic', 'apply'),
        body: fc.constant(null),
        query: writeQuery,
      })
      .chain((o) => patchBody(o.patch, o.kind).map((body) => ({ ...o, body }))),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      kind,
      target: nameChoice,
      body: fc.oneof(
        fc.constant(undefined),
        fc.record(
          {
            gracePeriodSeconds: oddValue,
            preconditions: fc.record(
              { uid: fc.constantFrom('x', ''), resourceVersion: fc.constantFrom('1', 'abc') },
              { requiredKeys: [] },
            ),
            propagationPolicy: fc.constantFrom('Foreground', 'Orphan', 'Bogus'),
          },
          { requiredKeys: [] },
        ),
        oddValue,
      ),
      query: fc.constantFrom(
        '',
        'gracePeriodSeconds=abc',
        'gracePeriodSeconds=-1',
        'dryRun=All',
        'gracePeriodSeconds=0',
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('read' as const),
      kind,
      namespace: fc.nat(),
      target: fc.option(nameChoice, { nil: undefined }),
      query: readQuery,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('raw' as const),
      kind,
      method: fc.constantFrom('POST' as const, 'PUT' as const, 'PATCH' as const),
      target: nameChoice,
      contentType,
      body: rawBody,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('conflict' as const),
      target: fc.nat(),
      writers: fc.integer({ min: 2, max: 6 }),
      patch: fc.boolean(),
    }),
  },
);

/** The bytes of a raw body. */
export function rawBytes(body: RawBody): Buffer {
  switch (body.kind) {
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'text':
      return Buffer.from(body.text);
    case 'nested': {
      const close = body.open === '[' ? ']' : '}';
      return Buffer.from(`${body.open.repeat(body.depth)}1${close.repeat(body.depth)}`);
    }
    case 'huge':
      return Buffer.from(`{"metadata":{"name":"huge"},"data":{"k":"${'x'.repeat(body.bytes)}"}}`);
  }
}
