// A container's volumeMounts and volumeDevices against the pod's valid volumes
// (pkg/apis/core/validation/validation.go ValidateVolumeMounts, ValidateVolumeDevices, validateMountPropagation,
// validateMountRecursiveReadOnly). Several errors name the list (`volumeMounts.subPath`), not the entry: that
// is upstream's path, kept as is.
import type { Container, EphemeralContainer, VolumeMount } from 'kubernetes-types/core/v1.js';
import { type FieldError, forbidden, invalid, notFound, notSupported, required } from './errors.js';
import type { VolumeWithImage } from './v1-additions.js';
import { validateLocalDescendingPath, validatePathNoBacksteps } from './volume-validation.js';

type AnyContainer = Container | EphemeralContainer;
type Volumes = ReadonlyMap<string, VolumeWithImage>;

export function validateVolumeMounts(c: AnyContainer, volumes: Volumes, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const devices = new Map((c.volumeDevices ?? []).map((d) => [d.name ?? '', d.devicePath ?? '']));
  const devicePaths = new Set(devices.values());
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((mount, i) => {
    const at = `${path}[${i}]`;
    const name = mount.name ?? '';
    const mountPath = mount.mountPath ?? '';
    if (name === '') errs.push(required(`${at}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${at}.name`, name));
    if (mountPath === '') errs.push(required(`${at}.mountPath`));
    if (mountPaths.has(mountPath)) errs.push(invalid(`${at}.mountPath`, mountPath, 'must be unique'));
    mountPaths.add(mountPath);
    if (devices.has(name)) errs.push(invalid(`${at}.name`, name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) {
      errs.push(invalid(`${at}.mountPath`, mountPath, 'must not already exist as a path in volumeDevices'));
    }
    errs.push(...validateSubPaths(mount, volumes.get(name), at, path));
    if (mount.mountPropagation !== undefined) {
      errs.push(...validateMountPropagation(mount.mountPropagation, c, `${path}.mountPropagation`));
    }
    errs.push(...validateRecursiveReadOnly(mount, `${path}.recursiveReadOnly`));
  });
  return errs;
}

function validateSubPaths(
  mount: VolumeMount,
  volume: VolumeWithImage | undefined,
  at: string,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const { subPath = '', subPathExpr = '' } = mount;
  if (volume?.image) {
    if (subPath) errs.push(invalid(`${at}.subPath`, subPath, 'not allowed in image volume sources'));
    if (subPathExpr)
      errs.push(invalid(`${at}.subPathExpr`, subPathExpr, 'not allowed in image volume sources'));
  }
  if (subPath) errs.push(...validateLocalDescendingPath(subPath, `${path}.subPath`));
  if (subPathExpr) {
    if (subPath)
      errs.push(invalid(`${at}.subPathExpr`, subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    errs.push(...validateLocalDescendingPath(subPathExpr, `${path}.subPathExpr`));
  }
  return errs;
}

const propagationModes = ['Bidirectional', 'HostToContainer', 'None'];

function validateMountPropagation(mode: string, c: AnyContainer, path: string): FieldError[] {
  const errs = propagationModes.includes(mode) ? [] : [notSupported(path, mode, propagationModes)];
  if (mode === 'Bidirectional' && c.securityContext?.privileged !== true) {
    errs.push(forbidden(path, 'Bidirectional mount propagation is available only to privileged containers'));
  }
  return errs;
}

function validateRecursiveReadOnly(mount: VolumeMount, path: string): FieldError[] {
  const mode = mount.recursiveReadOnly;
  if (mode === undefined || mode === 'Disabled') return [];
  if (mode !== 'Enabled' && mode !== 'IfPossible') {
    return [notSupported(path, mode, ['Disabled', 'Enabled', 'IfPossible'])];
  }
  const errs =
    mount.readOnly === true ? [] : [forbidden(path, 'may only be specified when readOnly is true')];
  if (mount.mountPropagation !== undefined && mount.mountPropagation !== 'None') {
    errs.push(forbidden(path, 'may only be specified when mountPropagation is None or not specified'));
  }
  return errs;
}

/** Raw block devices come only from persistentVolumeClaim or ephemeral volumes. */
export function validateVolumeDevices(c: AnyContainer, volumes: Volumes, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.name ?? '', m.mountPath ?? '']));
  const mountPaths = new Set(mounts.values());
  const names = new Set<string>();
  const devicePaths = new Set<string>();
  (c.volumeDevices ?? []).forEach((device, i) => {
    const at = `${path}[${i}]`;
    const name = device.name ?? '';
    const devicePath = device.devicePath ?? '';
    const volume = volumes.get(name);
    if (name === '') errs.push(required(`${at}.name`));
    if (names.has(name)) errs.push(invalid(`${at}.name`, name, 'must be unique'));
    if (volume && !volume.persistentVolumeClaim && !volume.ephemeral) {
      const detail = 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode';
      errs.push(invalid(`${at}.name`, name, detail));
    }
    if (!volume) errs.push(notFound(`${at}.name`, name));
    if (devicePath === '') errs.push(required(`${at}.devicePath`));
    if (devicePaths.has(devicePath)) errs.push(invalid(`${at}.devicePath`, devicePath, 'must be unique'));
    if (devicePath !== '' && validatePathNoBacksteps(devicePath, path).length > 0) {
      errs.push(invalid(`${at}.devicePath`, devicePath, "can not contain backsteps ('..')"));
    } else {
      devicePaths.add(devicePath);
    }
    if (mounts.has(name)) errs.push(invalid(`${at}.name`, name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devicePath)) {
      errs.push(invalid(`${at}.devicePath`, devicePath, 'must not already exist as a path in volumeMounts'));
    }
    if (name !== '') names.add(name);
  });
  return errs;
}
