// The patch and list extensions of upstream's schemas (x-kubernetes-patch-strategy, -patch-merge-key, -list-type,
// -list-map-keys), from src/api/list-types.ts. kubectl reads them to compute client-side apply and edit patches:
// without them every list is atomic and a second `kubectl apply` of the same file sends the containers again.
import { listTypes, type ListStrategy } from '../../api/list-types.js';
import { schemaName } from './schema-ref.js';
import type { Schema } from './types.js';

const KIND_GROUPS: Readonly<Record<string, string>> = { StorageClass: 'storage.k8s.io' };

/** Annotates the list properties of the schemas in place. */
export function annotateListTypes(schemas: Record<string, Schema>): void {
  for (const [kind, table] of Object.entries(listTypes)) {
    const root = schemaName(KIND_GROUPS[kind] ?? '', 'v1', kind);
    for (const [path, strategy] of Object.entries(table)) {
      const property = propertyAt(schemas, root, path);
      if (property !== undefined) Object.assign(property, extensions(strategy));
    }
  }
}

function extensions(s: ListStrategy): Record<string, unknown> {
  return {
    ...(s.patchStrategy ? { 'x-kubernetes-patch-strategy': s.patchStrategy } : {}),
    ...(s.patchMergeKey ? { 'x-kubernetes-patch-merge-key': s.patchMergeKey } : {}),
    'x-kubernetes-list-type': s.listType,
    ...(s.listMapKeys ? { 'x-kubernetes-list-map-keys': [...s.listMapKeys] } : {}),
  };
}

/** Follows `spec.containers[].ports` through the schemas: `[]` steps into a list's items. */
function propertyAt(schemas: Record<string, Schema>, root: string, path: string): Schema | undefined {
  let current: Schema | undefined = schemas[root];
  const segments = path.split('.');
  for (const [i, segment] of segments.entries()) {
    const name = segment.replace(/\[\]$/, '');
    const property: Schema | undefined = resolve(schemas, current)?.properties?.[name];
    if (property === undefined) return undefined;
    if (i === segments.length - 1) return property;
    current = segment.endsWith('[]') ? property.items : property;
  }
  return undefined;
}

function resolve(schemas: Record<string, Schema>, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref ?? schema?.allOf?.[0]?.$ref;
  return ref === undefined ? schema : schemas[ref.replace('#/components/schemas/', '')];
}
