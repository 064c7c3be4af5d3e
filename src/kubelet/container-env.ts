// A container's environment as the kubelet makes it (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
// envFrom sources first, then `env` in order, each value `$(VAR)`-expanded against what came before and the
// service variables, valueFrom resolved from the pod (downward API), its resources, ConfigMaps and Secrets; then
// the service variables the container's own did not set.
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
  Service,
} from 'kubernetes-types/core/v1.js';
import { expandVariables } from '../api/expansion.js';
import { isEnvVarName } from '../api/names.js';
import type { EnvVar } from '../runtime/oci/process.js';
import { podFieldValue, resourceFieldValue } from '../volume/downward-api.js';
import { VolumeSetUpError } from '../volume/errors.js';
import type { NodeAllocatable } from './node-object.js';
import { serviceEnvVars } from './service-env.js';

/** The API objects a container's environment and volumes read; absent without an API server (static pods only). */
export interface ObjectSource {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  persistentVolumeClaim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  persistentVolume(name: string): PersistentVolume | undefined;
  /** Every Service, for the service environment variables (the kubelet's service lister). */
  services(): Service[];
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
  const services = ctx.objects
    ? serviceEnvVars(ctx.objects.services(), namespace, ctx.pod.spec?.enableServiceLinks ?? true)
    : new Map<string, string>();
  const lookup = (name: string) => values.get(name) ?? services.get(name);
  for (const e of ctx.container.env ?? []) {
    if (e.valueFrom) {
      const value = fromSource(ctx, e.valueFrom);
      if (value !== undefined) values.set(e.name, value);
    } else {
      values.set(e.name, expandVariables(e.value ?? '', lookup));
    }
  }
  for (const [name, value] of services) if (!values.has(name)) values.set(name, value);
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

/** Whether the container's env reads the pod's IPs, which are known only once the pod's network is set up. */
export function readsPodIps(container: Container): boolean {
  return (container.env ?? []).some((e) => POD_IP_FIELDS.has(e.valueFrom?.fieldRef?.fieldPath ?? ''));
}

const POD_IP_FIELDS = new Set(['status.podIP', 'status.podIPs']);

/** The downward API: the kubelet's status and spec fields here, the object's own fields as volumes read them. */
function podField(ctx: EnvContext, ref: ObjectFieldSelector): string {
  const { pod } = ctx;
  const fields: Record<string, string | undefined> = {
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.hostIP': ctx.hostIP,
    'status.hostIPs': ctx.hostIP,
    'status.podIP': ctx.podIPs[0],
    'status.podIPs': ctx.podIPs.join(','),
  };
  if (ref.fieldPath in fields) return fields[ref.fieldPath] ?? '';
  return asEnvError(() => podFieldValue(pod, ref));
}

/** limits.* / requests.* of the named container (this one by default), as the downward API volume computes it. */
function resourceField(ctx: EnvContext, ref: ResourceFieldSelector): string {
  const named = { ...ref, containerName: ref.containerName || ctx.container.name };
  return asEnvError(() => resourceFieldValue(ctx.pod, named, ctx.allocatable));
}

function asEnvError(f: () => string): string {
  try {
    return f();
  } catch (err) {
    if (err instanceof VolumeSetUpError) throw new ContainerEnvError(err.message);
    throw err;
  }
}
