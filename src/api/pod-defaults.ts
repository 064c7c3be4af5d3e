// kube-apiserver's defaulting of a v1 Pod (pkg/apis/core/v1/defaults.go and the generated
// zz_generated.defaults.go SetObjectDefaults_Pod), applied to a copy. uid, creationTimestamp, status and
// generated names are the store's business, not defaulting.
import type {
  Container,
  EphemeralContainer,
  HTTPGetAction,
  Lifecycle,
  Pod,
  PodSpec,
  Probe,
  ResourceRequirements,
  VolumeProjection,
} from 'kubernetes-types/core/v1.js';
import type { VolumeWithImage } from './v1-additions.js';

type AnyContainer = Container | EphemeralContainer;

/** v1.DefaultTerminationGracePeriodSeconds. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
/** 0644, the default mode of configMap, secret, downwardAPI and projected volume files. */
export const DEFAULT_VOLUME_FILE_MODE = 0o644;

export function defaultPod(pod: Pod): Pod {
  const out = structuredClone(pod);
  out.metadata = { ...out.metadata, namespace: out.metadata?.namespace || 'default' };
  const spec: PodSpec = out.spec ?? { containers: [] };
  out.spec = spec;
  defaultPodSpec(spec);
  // SetDefaults_Pod: requests follow limits only for regular and init containers, and with host networking
  // every container port is also a host port.
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    defaultRequestsFromLimits(c.resources);
    if (spec.hostNetwork) for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
  }
  for (const volume of spec.volumes ?? []) defaultVolume(volume);
  for (const c of [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ]) {
    defaultContainer(c);
  }
  return out;
}

function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  spec.schedulerName ||= 'default-scheduler';
  spec.enableServiceLinks ??= true;
}

function defaultRequestsFromLimits(resources: ResourceRequirements | undefined): void {
  if (resources?.limits === undefined) return;
  resources.requests = { ...resources.limits, ...resources.requests };
}

function defaultContainer(c: AnyContainer): void {
  c.imagePullPolicy ||= pullPolicyFor(c.image ?? '');
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  for (const port of c.ports ?? []) port.protocol ||= 'TCP';
  for (const env of c.env ?? []) {
    const fieldRef = env.valueFrom?.fieldRef;
    if (fieldRef) fieldRef.apiVersion ||= 'v1';
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  defaultLifecycle(c.lifecycle);
}

function defaultProbe(probe: Probe): void {
  probe.timeoutSeconds ||= 1;
  probe.periodSeconds ||= 10;
  probe.successThreshold ||= 1;
  probe.failureThreshold ||= 3;
  if (probe.httpGet) defaultHTTPGet(probe.httpGet);
  if (probe.grpc) probe.grpc.service ??= '';
}

function defaultLifecycle(lifecycle: Lifecycle | undefined): void {
  for (const handler of [lifecycle?.postStart, lifecycle?.preStop]) {
    if (handler?.httpGet) defaultHTTPGet(handler.httpGet);
  }
}

function defaultHTTPGet(action: HTTPGetAction): void {
  action.path ||= '/';
  action.scheme ||= 'HTTP';
}

function defaultVolume(volume: VolumeWithImage): void {
  // SetDefaults_Volume: a volume without any source is an emptyDir.
  if (!Object.keys(volume).some((key) => key !== 'name' && volume[key as keyof VolumeWithImage] != null)) {
    volume.emptyDir = {};
  }
  if (volume.image) volume.image.pullPolicy ||= pullPolicyFor(volume.image.reference ?? '');
  if (volume.hostPath) volume.hostPath.type ??= '';
  if (volume.secret) volume.secret.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
  if (volume.configMap) volume.configMap.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
  if (volume.downwardAPI) {
    volume.downwardAPI.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
    for (const item of volume.downwardAPI.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ||= 'v1';
  }
  if (volume.projected) {
    volume.projected.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
    for (const source of volume.projected.sources ?? []) defaultProjection(source);
  }
}

function defaultProjection(source: VolumeProjection): void {
  for (const item of source.downwardAPI?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ||= 'v1';
  if (source.serviceAccountToken) source.serviceAccountToken.expirationSeconds ??= 3600;
}

function pullPolicyFor(image: string): string {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

// The grammar of github.com/distribution/reference (regexp.go), which parsers.ParseImageName applies.
const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const repository = `(?:${host}(?::[0-9]+)?/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referenceRe = new RegExp(`^(${repository})(?::(${tag}))?(?:@(${digest}))?$`);
const repositoryMaxLength = 255;

/**
 * The tag parsers.ParseImageName gives an image: its tag, "latest" when there is neither tag nor digest, and ""
 * for a digest-only or unparsable reference (SetDefaults_Container ignores the parse error).
 */
export function imageTag(image: string): string {
  const match = referenceRe.exec(image);
  if (match === null) return '';
  const [, repo = '', tagPart, digestPart] = match;
  if (repo.length > repositoryMaxLength || /^[a-f0-9]{64}$/.test(repo)) return '';
  if (tagPart !== undefined) return tagPart;
  return digestPart === undefined ? 'latest' : '';
}
