// Pod volume validation (pkg/apis/core/validation/validation.go ValidateVolumes, validateVolumeSource and
// the per-source validators podlet serves). Sources podlet does not implement are only counted, so a pod
// naming two sources still gets kube's "may not specify more than 1 volume type".
import type {
  ConfigMapVolumeSource,
  DownwardAPIVolumeFile,
  DownwardAPIVolumeSource,
  KeyToPath,
  ProjectedVolumeSource,
  SecretVolumeSource,
  VolumeProjection,
} from 'kubernetes-types/core/v1.js';
import {
  VOLUME_FIELD_PATHS,
  validateObjectFieldSelector,
  validateResourceFieldSelector,
} from './downward-api-validation.js';
import {
  type FieldError,
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  notSupported,
  required,
  tooLong,
} from './errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';
import { quantityValue } from './quantity-format.js';
import type { VolumeWithImage } from './v1-additions.js';

export interface VolumeValidation {
  errors: FieldError[];
  /** The volumes that validated, by name: the ones volumeMounts may refer to. */
  valid: Map<string, VolumeWithImage>;
}

type SourceValidator = (source: never, path: string) => FieldError[];

// validateVolumeSource's order. The middle column is the path kube names in "may not specify more than
// 1 volume type", typos included (downwarAPI, cephFS).
const volumeSources: [key: string, forbiddenPath: string, validate?: SourceValidator][] = [
  ['emptyDir', 'emptyDir', validateEmptyDir],
  ['hostPath', 'hostPath', validateHostPath],
  ['gitRepo', 'gitRepo'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['secret', 'secret', validateSecretSource],
  ['nfs', 'nfs', validateNFS],
  ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['persistentVolumeClaim', 'persistentVolumeClaim', validateClaim],
  ['rbd', 'rbd'],
  ['cinder', 'cinder'],
  ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'],
  ['downwardAPI', 'downwarAPI', validateDownwardAPISource],
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['configMap', 'configMap', validateConfigMapSource],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['storageos', 'storageos'],
  ['projected', 'projected', validateProjected],
  ['scaleIO', 'scaleIO'],
  ['csi', 'csi', validateCSI],
  ['ephemeral', 'ephemeral'],
  ['image', 'image', validateImageVolume],
];

export function validateVolumes(volumes: readonly VolumeWithImage[], path: string): VolumeValidation {
  const errors: FieldError[] = [];
  const valid = new Map<string, VolumeWithImage>();
  volumes.forEach((volume, i) => {
    const at = `${path}[${i}]`;
    const name = volume.name ?? '';
    const errs = validateVolumeSource(volume, at);
    if (name === '') errs.push(required(`${at}.name`));
    else errs.push(...invalidEach(`${at}.name`, name, isDNS1123Label(name)));
    if (valid.has(name)) errs.push(duplicate(`${at}.name`, name));
    if (errs.length === 0) valid.set(name, volume);
    else errors.push(...errs);
  });
  return { errors, valid };
}

function validateVolumeSource(volume: VolumeWithImage, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  const fields = volume as unknown as Record<string, unknown>;
  for (const [key, forbiddenPath, validate] of volumeSources) {
    const source = fields[key];
    if (source === undefined || source === null) continue;
    if (count > 0) {
      errs.push(forbidden(`${path}.${forbiddenPath}`, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    if (validate) errs.push(...validate(source as never, `${path}.${key}`));
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

function validateEmptyDir(source: { sizeLimit?: string | number }, path: string): FieldError[] {
  if (source.sizeLimit === undefined || !(quantityValue(source.sizeLimit) < 0)) return [];
  return [forbidden(`${path}.sizeLimit`, 'SizeLimit field must be a valid resource quantity')];
}

const hostPathTypes = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];

/** A hostPath source: a path without `..` and one of the known types (shared by pod volumes and PVs). */
export function validateHostPath(source: { path?: string; type?: string }, path: string): FieldError[] {
  if (!source.path) return [required(`${path}.path`)];
  const errs = validatePathNoBacksteps(source.path, `${path}.path`);
  if (source.type !== undefined && !hostPathTypes.includes(source.type)) {
    errs.push(notSupported(`${path}.type`, source.type, hostPathTypes));
  }
  return errs;
}

function validateSecretSource(source: SecretVolumeSource, path: string): FieldError[] {
  const errs = source.secretName ? [] : [required(`${path}.secretName`)];
  errs.push(...validateFileMode(source.defaultMode, `${path}.defaultMode`));
  (source.items ?? []).forEach((item, i) => errs.push(...validateKeyToPath(item, `${path}.items[${i}]`)));
  return errs;
}

function validateConfigMapSource(source: ConfigMapVolumeSource, path: string): FieldError[] {
  const errs = source.name ? [] : [required(`${path}.name`)];
  errs.push(...validateFileMode(source.defaultMode, `${path}.defaultMode`));
  (source.items ?? []).forEach((item, i) => errs.push(...validateKeyToPath(item, `${path}.items[${i}]`)));
  return errs;
}

function validateNFS(source: { server?: string; path?: string }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!source.server) errs.push(required(`${path}.server`));
  if (!source.path) errs.push(required(`${path}.path`));
  if (!(source.path ?? '').startsWith('/'))
    errs.push(invalid(`${path}.path`, source.path ?? '', 'must be an absolute path'));
  return errs;
}

function validateClaim(source: { claimName?: string }, path: string): FieldError[] {
  return source.claimName ? [] : [required(`${path}.claimName`)];
}

// Downward API files report their errors under the volume source's path, not under items[i].
function validateDownwardAPISource(source: DownwardAPIVolumeSource, path: string): FieldError[] {
  const errs = validateFileMode(source.defaultMode, `${path}.defaultMode`);
  for (const file of source.items ?? []) errs.push(...validateDownwardAPIFile(file, path));
  return errs;
}

function validateDownwardAPIFile(file: DownwardAPIVolumeFile, path: string): FieldError[] {
  const errs = file.path ? [] : [required(`${path}.path`)];
  errs.push(...validateLocalNonReservedPath(file.path ?? '', `${path}.path`));
  if (file.fieldRef) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, VOLUME_FIELD_PATHS, `${path}.fieldRef`));
    if (file.resourceFieldRef) {
      errs.push(
        invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'),
      );
    }
  } else if (file.resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, `${path}.resourceFieldRef`, true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateFileMode(file.mode, `${path}.mode`));
  return errs;
}

function validateProjected(source: ProjectedVolumeSource, path: string): FieldError[] {
  const errs = validateFileMode(source.defaultMode, `${path}.defaultMode`);
  const paths = new Set<string>();
  // A path used twice across the sources is reported against the projected volume itself.
  const claim = (file: string | undefined, badValue: unknown): void => {
    if (!file) return;
    if (paths.has(file)) errs.push(invalid(path, badValue, 'conflicting duplicate paths'));
    paths.add(file);
  };
  (source.sources ?? []).forEach((projection, i) => {
    const at = `${path}.sources[${i}]`;
    errs.push(...validateProjection(projection, at, path, claim));
    if (countProjectionSources(projection) > 1) {
      errs.push(forbidden(at, 'may not specify more than 1 volume type per source'));
    }
  });
  return errs;
}

function validateProjection(
  projection: VolumeProjection,
  at: string,
  projectedPath: string,
  claim: (file: string | undefined, badValue: unknown) => void,
): FieldError[] {
  const errs: FieldError[] = [];
  for (const [kind, source] of [
    ['secret', projection.secret],
    ['configMap', projection.configMap],
  ] as const) {
    if (!source) continue;
    if (!source.name) errs.push(required(`${at}.${kind}.name`));
    (source.items ?? []).forEach((item, i) => {
      errs.push(...validateKeyToPath(item, `${at}.${kind}.items[${i}]`));
      claim(item.path, source.name ?? '');
    });
  }
  for (const file of projection.downwardAPI?.items ?? []) {
    errs.push(...validateDownwardAPIFile(file, `${at}.downwardAPI`));
    claim(file.path, file.path);
  }
  const token = projection.serviceAccountToken;
  if (token) errs.push(...validateTokenProjection(token, `${at}.serviceAccountToken`, projectedPath));
  return errs;
}

function validateTokenProjection(
  token: { expirationSeconds?: number; path?: string },
  at: string,
  projectedPath: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const expiration = token.expirationSeconds ?? 0;
  if (expiration < 600) {
    errs.push(
      invalid(`${at}.expirationSeconds`, expiration, 'may not specify a duration less than 10 minutes'),
    );
  }
  if (expiration > 2 ** 32) {
    errs.push(
      invalid(`${at}.expirationSeconds`, expiration, 'may not specify a duration larger than 2^32 seconds'),
    );
  }
  // Upstream names the projected volume's path here, not the source's.
  if (!token.path) errs.push(required(`${projectedPath}.path`));
  else errs.push(...validateLocalNonReservedPath(token.path, `${projectedPath}.path`));
  return errs;
}

function countProjectionSources(projection: VolumeProjection): number {
  const kinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'] as const;
  return kinds.filter((k) => projection[k as keyof VolumeProjection] != null).length;
}

function validateCSI(source: { driver?: string }, path: string): FieldError[] {
  const driver = source.driver ?? '';
  const errs: FieldError[] = [];
  if (driver === '') errs.push(required(`${path}.driver`));
  if (driver.length > 63) errs.push(tooLong(`${path}.driver`, 63));
  errs.push(...invalidEach(`${path}.driver`, driver, isDNS1123Subdomain(driver.toLowerCase())));
  return errs;
}

function validateImageVolume(
  source: { reference?: string; pullPolicy?: string },
  path: string,
): FieldError[] {
  const errs = source.reference ? [] : [required(`${path}.reference`)];
  errs.push(...validatePullPolicy(source.pullPolicy ?? '', `${path}.pullPolicy`));
  return errs;
}

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

export function validatePullPolicy(policy: string, path: string): FieldError[] {
  if (policy === '') return [required(path)];
  return pullPolicies.includes(policy) ? [] : [notSupported(path, policy, pullPolicies)];
}

function validateKeyToPath(item: KeyToPath, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!item.key) errs.push(required(`${path}.key`));
  if (!item.path) errs.push(required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(item.path ?? '', `${path}.path`));
  errs.push(...validateFileMode(item.mode, `${path}.mode`));
  return errs;
}

function validateFileMode(mode: number | undefined, path: string): FieldError[] {
  if (mode === undefined || (mode >= 0 && mode <= 0o777)) return [];
  return [invalid(path, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
}

/** validatePathNoBacksteps: no `..` element. */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.split('/').includes('..') ? [invalid(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative, without `..` elements (subPath, subPathExpr, gitRepo directory). */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs = target.startsWith('/') ? [invalid(path, target, 'must be a relative path')] : [];
  return [...errs, ...validatePathNoBacksteps(target, path)];
}

function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  // `..foo` is reserved for the atomic writer's `..data` and timestamped directories.
  if (target.startsWith('..') && !target.startsWith('../'))
    errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}
