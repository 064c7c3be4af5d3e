// Regular, init and ephemeral container validation (pkg/apis/core/validation/validation.go
// validateContainers, validateInitContainers, validateEphemeralContainers, validateContainerCommon),
// in upstream's order so the messages come out in the order kubectl shows them.
import type { Container, EphemeralContainer } from 'kubernetes-types/core/v1.js';
import { validateEnv, validateEnvFrom, validatePorts } from './container-field-validation.js';
import {
  type FieldError,
  duplicate,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
} from './errors.js';
import { isDNS1123Label } from './names.js';
import { validateLifecycle, validateProbe } from './probe-validation.js';
import { validateResourceRequirements } from './resource-validation.js';
import { validateContainerSecurityContext } from './security-context-validation.js';
import type { VolumeWithImage } from './v1-additions.js';
import { validateVolumeDevices, validateVolumeMounts } from './volume-mount-validation.js';
import { validatePullPolicy } from './volume-validation.js';

export interface ContainerContext {
  /** The pod's volumes that validated, by name. */
  volumes: ReadonlyMap<string, VolumeWithImage>;
  podClaimNames: ReadonlySet<string>;
  gracePeriod: number | undefined;
  podRestartPolicy: string;
  hostUsers: boolean;
}

export function validateContainers(
  containers: readonly Container[],
  ctx: ContainerContext,
  path: string,
): FieldError[] {
  if (containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, at));
    if (names.has(c.name ?? '')) errs.push(duplicate(`${at}.name`, c.name ?? ''));
    else names.add(c.name ?? '');
    errs.push(...validateHooksAndProbes(c, ctx, at));
    if (c.restartPolicy !== undefined)
      errs.push(forbidden(`${at}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

export function validateInitContainers(
  inits: readonly Container[],
  regular: readonly Container[],
  ctx: ContainerContext,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => c.name ?? ''));
  inits.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, at));
    if (c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
      errs.push(notSupported(`${at}.restartPolicy`, c.restartPolicy, ['Always']));
    }
    const name = c.name ?? '';
    if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
    else if (name !== '') names.add(name);
    // Init containers run one by one, so each is checked alone; upstream indexes every one of them as [0].
    errs.push(...hostPortConflicts([c], path));
    if (c.restartPolicy === 'Always') {
      errs.push(...validateHooksAndProbes(c, ctx, at));
    } else {
      for (const field of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[field] !== undefined) {
          errs.push(
            forbidden(`${at}.${field}`, 'may not be set for init containers without restartPolicy=Always'),
          );
        }
      }
    }
  });
  return errs;
}

// The EphemeralContainerCommon fields an ephemeral container may not set, in Go declaration order.
const ephemeralForbiddenFields = [
  'ports',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
] as const;

export function validateEphemeralContainers(
  ephemerals: readonly EphemeralContainer[],
  regular: readonly Container[],
  inits: readonly Container[],
  ctx: ContainerContext,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...regular, ...inits].map((c) => c.name ?? ''));
  const names = new Set(others);
  ephemerals.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, at), ...validateImageWhitespace(c, at));
    if (names.has(c.name ?? '')) errs.push(duplicate(`${at}.name`, c.name ?? ''));
    else names.add(c.name ?? '');
    if (c.targetContainerName && !others.has(c.targetContainerName)) {
      errs.push(notFound(`${at}.targetContainerName`, c.targetContainerName));
    }
    for (const field of ephemeralForbiddenFields) {
      if (differsFromZero(c, field))
        errs.push(forbidden(`${at}.${field}`, 'cannot be set for an Ephemeral Container'));
    }
    (c.volumeMounts ?? []).forEach((m, j) => {
      for (const field of ['subPath', 'subPathExpr'] as const) {
        if (m[field])
          errs.push(
            forbidden(`${at}.volumeMounts[${j}].${field}`, 'cannot be set for an Ephemeral Container'),
          );
      }
    });
  });
  return errs;
}

/** validateContainerOnlyForPod: only pods (not templates) reject an image padded with whitespace. */
export function validateImageWhitespace(c: Container | EphemeralContainer, path: string): FieldError[] {
  const image = c.image ?? '';
  return image.trim() === image
    ? []
    : [invalid(`${path}.image`, image, 'must not have leading or trailing whitespace')];
}

const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'];

function validateContainerCommon(
  c: Container | EphemeralContainer,
  ctx: ContainerContext,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const name = c.name ?? '';
  if (name === '') errs.push(required(`${path}.name`));
  else errs.push(...isDNS1123Label(name).map((m) => invalid(`${path}.name`, name, m)));
  if (!c.image) errs.push(required(`${path}.image`));
  const policy = c.terminationMessagePolicy ?? '';
  if (policy === '') errs.push(required(`${path}.terminationMessagePolicy`));
  else if (!terminationMessagePolicies.includes(policy)) {
    errs.push(notSupported(`${path}.terminationMessagePolicy`, policy, terminationMessagePolicies));
  }
  errs.push(...validatePorts(c.ports ?? [], `${path}.ports`));
  errs.push(...validateEnv(c.env ?? [], `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom ?? [], `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c, ctx.volumes, `${path}.volumeMounts`));
  errs.push(...validateVolumeDevices(c, ctx.volumes, `${path}.volumeDevices`));
  errs.push(...validatePullPolicy(c.imagePullPolicy ?? '', `${path}.imagePullPolicy`));
  errs.push(...validateResourceRequirements(c.resources, ctx.podClaimNames, `${path}.resources`));
  errs.push(...validateResizePolicy(c, ctx.podRestartPolicy, `${path}.resizePolicy`));
  errs.push(...validateContainerSecurityContext(c.securityContext, `${path}.securityContext`, ctx.hostUsers));
  return errs;
}

function validateHooksAndProbes(c: Container, ctx: ContainerContext, path: string): FieldError[] {
  return [
    ...(c.lifecycle ? validateLifecycle(c.lifecycle, ctx.gracePeriod, `${path}.lifecycle`) : []),
    ...validateProbe(c.livenessProbe, 'liveness', ctx.gracePeriod, `${path}.livenessProbe`),
    ...validateProbe(c.readinessProbe, 'readiness', ctx.gracePeriod, `${path}.readinessProbe`),
    ...validateProbe(c.startupProbe, 'startup', ctx.gracePeriod, `${path}.startupProbe`),
  ];
}

const resizeResources = ['cpu', 'memory'];
const resizeRestartPolicies = ['NotRequired', 'RestartContainer'];

function validateResizePolicy(c: Container, podRestartPolicy: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (c.resizePolicy ?? []).forEach((policy, i) => {
    const { resourceName = '', restartPolicy = '' } = policy;
    if (seen.has(resourceName)) errs.push(duplicate(`${path}[${i}]`, resourceName));
    seen.add(resourceName);
    if (resourceName === '') errs.push(required(path));
    else if (!resizeResources.includes(resourceName))
      errs.push(notSupported(path, resourceName, resizeResources));
    if (restartPolicy === '') errs.push(required(path));
    else if (!resizeRestartPolicies.includes(restartPolicy)) {
      errs.push(notSupported(path, restartPolicy, resizeRestartPolicies));
    }
    if (podRestartPolicy === 'Never' && restartPolicy !== 'NotRequired') {
      errs.push(invalid(path, restartPolicy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

// AccumulateUniqueHostPorts: a host port may be bound once per protocol and host IP.
function hostPortConflicts(containers: readonly Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    (c.ports ?? []).forEach((port, j) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${i}].ports[${j}].hostPort`, key));
      seen.add(key);
    });
  });
  return errs;
}

// validateFieldAllowList compares each field with its Go zero value: a present list or pointer differs from
// it even when empty; the resources struct only when one of its maps or lists is present.
function differsFromZero(c: EphemeralContainer, field: (typeof ephemeralForbiddenFields)[number]): boolean {
  if (field === 'resources')
    return Object.values(c.resources ?? {}).some((v) => v !== undefined && v !== null);
  return c[field] !== undefined && c[field] !== null;
}
