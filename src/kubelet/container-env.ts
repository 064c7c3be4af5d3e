// A container's environment as the kubelet makes it (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
// envFrom sources first, then `env` in order, each value `$(VAR)`-expanded against what came before, valueFrom
// resolved from the pod (downward API), its resources, ConfigMaps and Secrets.
import type {
  ConfigMap,
  Container,
  EnvVarSource,
  ObjectFieldSelector,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  ResourceFieldSelector,
  Secret,
} from 'kubernetes-types/core/v1.js';
import { expandVariables } from '../api/expansion.js';
import { isEnvVarName } from '../api/names.js';
import { parseQuantityValue, quantityToNanos } from '../api/quantity.js';
import { containerLimits, containerRequests } from '../api/resources.js';
import type { EnvVar } from '../runtime/oci/process.js';
import type { NodeAllocatable } from './node-object.js';

/** The API objects a container's environment and volumes read; absent without an API server (static pods only). */
export interface ObjectSource {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  persistentVolumeClaim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  persistentVolume(name: string): PersistentVolume | undefined;
}

export interface EnvContext {
  pod: Pod;
  container: Container;
  podIPs: readonly string[];
  hostIP: string;
  allocatable: NodeAllocatable;
  objects: ObjectSource | undefined;
}

/** Why the environment cannot be made: the container waits as CreateContainerConfigError with this message. */
export class ContainerEnvError extends Error {
  override name = 'ContainerEnvError';
}

export interface ContainerEnv {
  env: EnvVar[];
  /** envFrom keys skipped for not being variable names: the kubelet's InvalidEnvironmentVariableNames events. */
  warnings: string[];
}

export function containerEnv(ctx: EnvContext): ContainerEnv {
  const values = new Map<string, string>();
  const warnings: string[] = [];
  const namespace = ctx.pod.metadata?.namespace ?? 'default';
  for (const from of ctx.container.envFrom ?? []) {
    const kind = from.configMapRef ? 'configMap' : 'secret';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const data = sourceData(ctx, kind, ref.name ?? '', ref.optional === true);
    if (data === undefined) continue;
    const invalid: string[] = [];
    for (const key of Object.keys(data).sort()) {
      const name = `${from.prefix ?? ''}${key}`;
      if (isEnvVarName(name).length > 0) invalid.push(name);
      else values.set(name, data[key] ?? '');
    }
    if (invalid.length > 0) {
      warnings.push(
        `Keys [${invalid.join(', ')}] from the EnvFrom ${kind} ${namespace}/${ref.name} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }
  const lookup = (name: string) => values.get(name);
  for (const e of ctx.container.env ?? []) {
    if (e.valueFrom) {
      const value = fromSource(ctx, e.valueFrom);
      if (value !== undefined) values.set(e.name, value);
    } else {
      values.set(e.name, expandVariables(e.value ?? '', lookup));
    }
  }
  return { env: [...values].map(([name, value]) => ({ name, value })), warnings };
}

/** A ConfigMap's or Secret's data as strings; undefined when optional and missing. */
function sourceData(
  ctx: EnvContext,
  kind: 'configMap' | 'secret',
  name: string,
  optional: boolean,
): Record<string, string> | undefined {
  const namespace = ctx.pod.metadata?.namespace ?? 'default';
  if (!ctx.objects) {
    throw new ContainerEnvError(`couldn't get ${kind} ${namespace}/${name}, no kubeClient defined`);
  }
  if (kind === 'configMap') {
    const cm = ctx.objects.configMap(namespace, name);
    if (!cm) {
      if (optional) return undefined;
      throw new ContainerEnvError(`configmap "${name}" not found`);
    }
    const binary = Object.fromEntries(
      Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    return { ...binary, ...cm.data };
  }
  const secret = ctx.objects.secret(namespace, name);
  if (!secret) {
    if (optional) return undefined;
    throw new ContainerEnvError(`secret "${name}" not found`);
  }
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

function fromSource(ctx: EnvContext, source: EnvVarSource): string | undefined {
  const namespace = ctx.pod.metadata?.namespace ?? 'default';
  if (source.fieldRef) return podField(ctx, source.fieldRef);
  if (source.resourceFieldRef) return resourceField(ctx, source.resourceFieldRef);
  const ref = source.configMapKeyRef ?? source.secretKeyRef;
  if (!ref) return undefined;
  const kind = source.configMapKeyRef ? 'configMap' : 'secret';
  const data = sourceData(ctx, kind, ref.name ?? '', ref.optional === true);
  if (data === undefined) return undefined;
  const value = data[ref.key];
  if (value !== undefined) return value;
  if (ref.optional === true) return undefined;
  const what = kind === 'configMap' ? 'ConfigMap' : 'Secret';
  throw new ContainerEnvError(`couldn't find key ${ref.key} in ${what} ${namespace}/${ref.name}`);
}

/** The downward API's pod fields (pkg/fieldpath ExtractFieldPathAsString plus the kubelet's status fields). */
function podField(ctx: EnvContext, ref: ObjectFieldSelector): string {
  const { pod } = ctx;
  const path = ref.fieldPath;
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (subscript) {
    const map = subscript[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[subscript[2] ?? ''] ?? '';
  }
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.hostIP': ctx.hostIP,
    'status.hostIPs': ctx.hostIP,
    'status.podIP': ctx.podIPs[0],
    'status.podIPs': ctx.podIPs.join(','),
  };
  if (path in fields) return fields[path] ?? '';
  throw new ContainerEnvError(`unsupported fieldPath: ${path}`);
}

/**
 * limits.* / requests.* of the named container, divided by the divisor and rounded up; an unset limit is the node's
 * allocatable (pkg/api/v1/resource ExtractContainerResourceValue, kubelet defaulting to allocatable).
 */
function resourceField(ctx: EnvContext, ref: ResourceFieldSelector): string {
  const spec = ctx.pod.spec;
  const name = ref.containerName || ctx.container.name;
  const container = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].find(
    (c) => c.name === name,
  );
  const [kind, resource = ''] = ref.resource.split(/\.(.*)/s);
  const amounts = container
    ? kind === 'limits'
      ? containerLimits(container)
      : containerRequests(container)
    : new Map();
  let nanos: bigint | undefined = amounts.get(resource);
  if (nanos === undefined && kind === 'limits') {
    if (resource === 'cpu') nanos = ctx.allocatable.milliCpu * 1_000_000n;
    if (resource === 'memory') nanos = ctx.allocatable.memoryBytes * 1_000_000_000n;
  }
  nanos ??= 0n;
  const divisor = quantityToNanos(parseQuantityValue(ref.divisor ?? '1'));
  if (divisor <= 0n) throw new ContainerEnvError(`invalid divisor for ${ref.resource}`);
  return String((nanos + divisor - 1n) / divisor);
}
