import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resources } from '../../../src/apiserver/resources.js';
import { documentPath } from '../../../src/apiserver/openapi/document.js';
import { generateDocuments } from '../../../src/apiserver/openapi/generate.js';
import { schemaName } from '../../../src/apiserver/openapi/schema-ref.js';
import type { OpenApiDocument, Schema } from '../../../src/apiserver/openapi/types.js';
import { fileNameOf, OpenApiV3 } from '../../../src/apiserver/openapi/v3.js';

function refsIn(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, into);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.push(v);
      else refsIn(v, into);
    }
  return into;
}

describe('generated OpenAPI v3 documents', () => {
  let documents: Map<string, OpenApiDocument>;
  before(() => {
    documents = generateDocuments();
  });

  const core = () => documents.get('api/v1') as OpenApiDocument;
  const schema = (name: string): Schema => core().components.schemas[name] as Schema;

  test('exist for every served group-version', () => {
    const expected = new Set(resources.map((r) => documentPath(r.group, r.version)));
    assert.deepEqual(new Set(documents.keys()), expected);
  });

  test('resolve every $ref inside their own document', () => {
    for (const [path, doc] of documents)
      for (const ref of refsIn(doc)) {
        const name = ref.replace('#/components/schemas/', '');
        assert.ok(doc.components.schemas[name] !== undefined, `${path}: ${ref}`);
      }
  });

  test('give every patchable kind a PATCH that lists fieldValidation, so kubectl validates on the server', () => {
    for (const def of resources.filter((r) => r.verbs.includes('patch'))) {
      const doc = documents.get(documentPath(def.group, def.version)) as OpenApiDocument;
      const patches = Object.values(doc.paths)
        .map((item) => item.patch)
        .filter((op) => op?.['x-kubernetes-group-version-kind'].kind === def.kind);
      assert.ok(patches.length > 0, def.resource);
      for (const op of patches)
        assert.ok(
          op?.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query'),
          def.resource,
        );
    }
  });

  test('mark top-level kinds with their group-version-kind', () => {
    assert.deepEqual(schema('io.k8s.api.core.v1.Pod')['x-kubernetes-group-version-kind'], [
      { group: '', kind: 'Pod', version: 'v1' },
    ]);
    const lease = documents.get('apis/coordination.k8s.io/v1')?.components.schemas[
      'io.k8s.api.coordination.v1.Lease'
    ];
    assert.deepEqual(lease?.['x-kubernetes-group-version-kind'], [
      { group: 'coordination.k8s.io', kind: 'Lease', version: 'v1' },
    ]);
    assert.equal(schema('io.k8s.api.core.v1.PodSpec')['x-kubernetes-group-version-kind'], undefined);
  });

  test('carry the upstream descriptions, required fields and refs wrapped in allOf', () => {
    const spec = schema('io.k8s.api.core.v1.PodSpec');
    assert.deepEqual(spec.required, ['containers']);
    const containers = spec.properties?.containers;
    assert.equal(containers?.type, 'array');
    assert.deepEqual(containers?.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
    assert.match(containers?.description ?? '', /List of containers belonging to the pod/);
    const metadata = schema('io.k8s.api.core.v1.Pod').properties?.metadata;
    assert.deepEqual(metadata?.allOf, [
      { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
    ]);
    assert.match(metadata?.description ?? '', /Standard object's metadata/);
  });

  test('name IntOrString, Quantity and Time as upstream does', () => {
    const port = schema('io.k8s.api.core.v1.HTTPGetAction').properties?.port;
    assert.deepEqual(port?.allOf, [
      { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
    ]);
    const intOrString = schema('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    assert.equal(intOrString['x-kubernetes-int-or-string'], true);
    assert.equal(intOrString.format, 'int-or-string');
    assert.deepEqual(
      schema('io.k8s.api.core.v1.ResourceRequirements').properties?.limits?.additionalProperties,
      {
        $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity',
      },
    );
    assert.deepEqual(schema('io.k8s.apimachinery.pkg.api.resource.Quantity').oneOf, [
      { type: 'string' },
      { type: 'number' },
    ]);
    assert.equal(schema('io.k8s.apimachinery.pkg.apis.meta.v1.Time').format, 'date-time');
    assert.deepEqual(
      schema('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').properties?.labels?.additionalProperties,
      {
        type: 'string',
      },
    );
  });

  test('document the pod subresources, eviction in the policy group', () => {
    const eviction = core().paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction']?.post;
    assert.deepEqual(eviction?.['x-kubernetes-group-version-kind'], {
      group: 'policy',
      kind: 'Eviction',
      version: 'v1',
    });
    assert.equal(eviction?.operationId, 'createCoreV1NamespacedPodEviction');
    const exec = core().paths['/api/v1/namespaces/{namespace}/pods/{name}/exec'];
    assert.equal(exec?.get?.['x-kubernetes-action'], 'connect');
    assert.ok(exec?.post?.parameters?.some((p) => p.name === 'command'));
    assert.ok(schema('io.k8s.api.policy.v1.Eviction') !== undefined);
  });

  test('name operations like the Go clients', () => {
    const paths = core().paths;
    assert.equal(
      paths['/api/v1/namespaces/{namespace}/pods/{name}']?.get?.operationId,
      'readCoreV1NamespacedPod',
    );
    assert.equal(
      paths['/api/v1/namespaces/{namespace}/pods']?.delete?.operationId,
      'deleteCoreV1CollectionNamespacedPod',
    );
    assert.equal(paths['/api/v1/pods']?.get?.operationId, 'listCoreV1PodForAllNamespaces');
    assert.equal(paths['/api/v1/nodes/{name}']?.put?.operationId, 'replaceCoreV1Node');
    assert.equal(paths['/api/v1/namespaces']?.delete, undefined);
  });

  test('describe the metrics API podlet serves in place of metrics-server', () => {
    const name = schemaName('metrics.k8s.io', 'v1beta1', 'PodMetrics');
    const pod = documents.get('apis/metrics.k8s.io/v1beta1')?.components.schemas[name];
    assert.deepEqual(pod?.required, ['containers', 'timestamp', 'window']);
    assert.deepEqual(pod?.['x-kubernetes-group-version-kind'], [
      { group: 'metrics.k8s.io', kind: 'PodMetrics', version: 'v1beta1' },
    ]);
  });
});

describe('OpenApiV3', () => {
  const docs = new Map([
    ['api/v1', '{"openapi":"3.0.0","paths":{}}'],
    ['apis/storage.k8s.io/v1', '{"openapi":"3.0.0"}'],
  ]);
  const hash = createHash('sha512').update('{"openapi":"3.0.0","paths":{}}').digest('hex').toUpperCase();
  const server = OpenApiV3.fromDocuments(docs);
  const get = (path: string, q = '', accept?: string, inm?: string) =>
    server.reply(path, new URLSearchParams(q), accept, inm);

  test('indexes each document under a URL carrying its SHA-512', () => {
    const index = get('/openapi/v3');
    assert.equal(index?.status, 200);
    assert.deepEqual(JSON.parse(index?.body ?? '').paths['api/v1'], {
      serverRelativeURL: `/openapi/v3/api/v1?hash=${hash}`,
    });
  });

  test('serves a document under its hash as immutable, with an ETag', () => {
    const reply = get('/openapi/v3/api/v1', `hash=${hash}&timeout=32s`, 'application/json');
    assert.equal(reply?.status, 200);
    assert.equal(reply?.body, docs.get('api/v1'));
    assert.equal(reply?.headers.ETag, `"${hash}"`);
    assert.equal(reply?.headers['Cache-Control'], 'public, immutable');
    assert.equal(reply?.headers['Content-Type'], 'application/json');
  });

  test('redirects a stale hash to the current document', () => {
    const reply = get('/openapi/v3/api/v1', 'hash=0BAD');
    assert.equal(reply?.status, 301);
    assert.equal(reply?.headers.Location, `/openapi/v3/api/v1?hash=${hash}`);
  });

  test('answers a matching If-None-Match with 304', () => {
    assert.equal(get('/openapi/v3/api/v1', '', undefined, `"${hash}"`)?.status, 304);
  });

  test('answers 404 for an unknown group-version, 406 for protobuf only, and leaves other paths alone', () => {
    assert.equal(get('/openapi/v3/apis/apps/v1')?.status, 404);
    assert.equal(
      get('/openapi/v3/api/v1', '', 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf')?.status,
      406,
    );
    assert.equal(get('/openapi/v2'), undefined);
  });

  describe('load', () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'podlet-openapi-'));
      for (const [path, body] of docs) await writeFile(join(dir, fileNameOf(path)), body);
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    test('reads the files the generator writes back under their document paths', () => {
      const loaded = OpenApiV3.load(dir);
      assert.equal(
        loaded.reply('/openapi/v3/apis/storage.k8s.io/v1', new URLSearchParams())?.body,
        '{"openapi":"3.0.0"}',
      );
    });

    test('fails with the directory named when there is nothing to load', () => {
      assert.throws(() => OpenApiV3.load(join(dir, 'missing')), /missing/);
    });
  });
});
