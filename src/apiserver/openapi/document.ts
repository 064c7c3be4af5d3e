// One OpenAPI v3 document per served group-version, as kube-apiserver publishes under /openapi/v3/<path>: the
// paths of its resources and every schema they reach (kubernetes/kubernetes api/openapi-spec/v3).
import { KUBERNETES_VERSION } from '../discovery.js';
import type { ResourceDefinition } from '../resources.js';
import { resourcePaths } from './paths.js';
import { META, schemaName } from './schema-ref.js';
import type { OpenApiDocument, Schema } from './types.js';

export class MissingSchemaError extends Error {
  constructor(
    readonly schema: string,
    readonly documentPath: string,
  ) {
    super(`OpenAPI document ${documentPath} refers to schema ${schema}, which no type module defines`);
    this.name = 'MissingSchemaError';
  }
}

/** `api/v1` or `apis/<group>/<version>`: the key of /openapi/v3's index and the document's URL path. */
export function documentPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** Every group-version of the table, in table order. */
export function groupVersions(defs: readonly ResourceDefinition[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const d of defs) seen.set(documentPath(d.group, d.version), { group: d.group, version: d.version });
  return [...seen.values()];
}

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') into.add(v.replace('#/components/schemas/', ''));
      else collectRefs(v, into);
    }
  }
}

/** The named schemas and all they reference, transitively; throws on a reference nothing defines. */
function schemaClosure(
  roots: Iterable<string>,
  all: Readonly<Record<string, Schema>>,
  path: string,
): Record<string, Schema> {
  const pending = [...roots];
  const out: Record<string, Schema> = {};
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (out[name] !== undefined) continue;
    const schema = all[name];
    if (schema === undefined) throw new MissingSchemaError(name, path);
    out[name] = schema;
    const refs = new Set<string>();
    collectRefs(schema, refs);
    pending.push(...refs);
  }
  // Sorted like upstream's documents, so equal inputs give byte-equal documents (and hashes).
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The document of one group-version. `schemas` holds every schema the type modules define. */
export function buildDocument(
  group: string,
  version: string,
  defs: readonly ResourceDefinition[],
  schemas: Readonly<Record<string, Schema>>,
): OpenApiDocument {
  const served = defs.filter((d) => d.group === group && d.version === version);
  const path = documentPath(group, version);
  const paths: OpenApiDocument['paths'] = {};
  for (const def of served) Object.assign(paths, resourcePaths(def));
  const roots = new Set<string>();
  collectRefs(paths, roots);
  // Kinds that only appear as request or watch payloads still belong in the document, as upstream's do.
  for (const def of served) roots.add(schemaName(def.group, def.version, def.kind));
  roots.add(`${META}.WatchEvent`);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas: schemaClosure(roots, schemas, path) },
  };
}
