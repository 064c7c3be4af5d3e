// How OpenAPI documents name Kubernetes types (kubernetes/kubernetes api/openapi-spec/v3).

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

export function refTo(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** The schema name of a kind served in a group-version: `io.k8s.api.<first label of the group, or core>.<v>.<Kind>`. */
export function schemaName(group: string, version: string, kind: string): string {
  // metrics-server's types live in k8s.io/metrics, not k8s.io/api.
  if (group === 'metrics.k8s.io') return `io.k8s.metrics.pkg.apis.metrics.${version}.${kind}`;
  return `io.k8s.api.${group === '' ? 'core' : (group.split('.')[0] ?? group)}.${version}.${kind}`;
}

/** The first label of a group, `core` for the core group: the part Go clients and tags name a group by. */
export function groupShortName(group: string): string {
  return group === '' ? 'core' : (group.split('.')[0] ?? group);
}
