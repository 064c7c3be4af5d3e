// Build-time only: the OpenAPI v3 documents of every served group-version, from the kubernetes-types .d.ts files
// (and metrics-v1beta1.d.ts) through dts-schemas.ts. Run by scripts/gen-openapi.ts.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resources, type ResourceDefinition } from '../resources.js';
import { buildDocument, documentPath, groupVersions } from './document.js';
import { extractSchemas, SchemaExtractionError, type TypeModule } from './dts-schemas.js';
import { annotateListTypes } from './list-extensions.js';
import type { OpenApiDocument } from './types.js';

/** kubernetes-types module -> upstream Go package, for the groups podlet serves and what they reference. */
const KUBERNETES_TYPES_MODULES: Record<string, string> = {
  'core/v1': 'io.k8s.api.core.v1',
  'events/v1': 'io.k8s.api.events.v1',
  'storage/v1': 'io.k8s.api.storage.v1',
  'coordination/v1': 'io.k8s.api.coordination.v1',
  'discovery/v1': 'io.k8s.api.discovery.v1',
  'authorization/v1': 'io.k8s.api.authorization.v1',
  'authentication/v1': 'io.k8s.api.authentication.v1',
  'policy/v1': 'io.k8s.api.policy.v1',
  'scheduling/v1': 'io.k8s.api.scheduling.v1',
  'meta/v1': 'io.k8s.apimachinery.pkg.apis.meta.v1',
  'api/resource': 'io.k8s.apimachinery.pkg.api.resource',
  runtime: 'io.k8s.apimachinery.pkg.runtime',
};

export function typeModules(): TypeModule[] {
  const root = dirname(createRequire(import.meta.url).resolve('kubernetes-types/package.json'));
  const modules = Object.entries(KUBERNETES_TYPES_MODULES).map(([file, prefix]) => ({
    file: join(root, `${file}.d.ts`),
    prefix,
  }));
  modules.push({
    file: join(packageRoot(), 'src/apiserver/openapi/metrics-v1beta1.d.ts'),
    prefix: 'io.k8s.metrics.pkg.apis.metrics.v1beta1',
  });
  return modules;
}

/** The checkout this module runs from, under src/ (tsx) or dist/src/ (the build, which has no .d.ts copies). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new SchemaExtractionError(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** Documents keyed by path (`api/v1`, `apis/events.k8s.io/v1`). */
export function generateDocuments(
  defs: readonly ResourceDefinition[] = resources,
  modules: readonly TypeModule[] = typeModules(),
): Map<string, OpenApiDocument> {
  const schemas = extractSchemas(modules);
  annotateListTypes(schemas);
  const documents = new Map<string, OpenApiDocument>();
  for (const { group, version } of groupVersions(defs))
    documents.set(documentPath(group, version), buildDocument(group, version, defs, schemas));
  return documents;
}
