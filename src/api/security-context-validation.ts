// Pod and container security contexts (pkg/apis/core/validation/validation.go ValidateSecurityContext,
// validatePodSpecSecurityContext, validateSeccompProfileField, ValidateAppArmorProfileField, validateSysctls).
// Windows options are not validated: podlet runs Linux pods only.
import type { PodSecurityContext, PodSpec, SecurityContext } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  duplicate,
  invalid,
  invalidEach,
  notSupported,
  required,
  tooLong,
} from './errors.js';
import { isValidUserOrGroupID } from './names.js';
import { validateLocalDescendingPath } from './volume-validation.js';

// Fields of the 1.33 API that kubernetes-types 1.30 lacks.
type PodSecurityContext133 = PodSecurityContext & {
  supplementalGroupsPolicy?: string;
  seLinuxChangePolicy?: string;
};

interface Profile {
  type?: string;
  localhostProfile?: string;
}

export function validateContainerSecurityContext(
  sc: SecurityContext | undefined,
  path: string,
  hostUsers: boolean,
): FieldError[] {
  if (sc === undefined) return [];
  const errs: FieldError[] = [];
  if (sc.runAsUser !== undefined)
    errs.push(...invalidEach(`${path}.runAsUser`, sc.runAsUser, isValidUserOrGroupID(sc.runAsUser)));
  if (sc.runAsGroup !== undefined)
    errs.push(...invalidEach(`${path}.runAsGroup`, sc.runAsGroup, isValidUserOrGroupID(sc.runAsGroup)));
  if (sc.procMount !== undefined) {
    if (sc.procMount !== 'Default' && sc.procMount !== 'Unmasked') {
      errs.push(notSupported(`${path}.procMount`, sc.procMount, ['Default', 'Unmasked']));
    }
    if (hostUsers && sc.procMount === 'Unmasked') {
      errs.push(invalid(`${path}.procMount`, sc.procMount, '`hostUsers` must be false to use `Unmasked`'));
    }
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    }
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap === 'CAP_SYS_ADMIN') {
        errs.push(
          invalid(
            path,
            sc,
            'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN',
          ),
        );
      }
    }
  }
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

// The pod-level fields that live in the internal PodSecurityContext (shareProcessNamespace, hostPID,
// hostNetwork, hostIPC) are read from the spec but reported under securityContext, as upstream does.
export function validatePodSecurityContext(spec: PodSpec, path: string): FieldError[] {
  const sc: PodSecurityContext133 | undefined = spec.securityContext;
  if (sc === undefined) return [];
  const errs: FieldError[] = [];
  for (const field of ['fsGroup', 'runAsUser', 'runAsGroup'] as const) {
    const id = sc[field];
    if (id !== undefined) errs.push(...invalidEach(`${path}.${field}`, id, isValidUserOrGroupID(id)));
  }
  (sc.supplementalGroups ?? []).forEach((gid, i) => {
    errs.push(...invalidEach(`${path}.supplementalGroups[${i}]`, gid, isValidUserOrGroupID(gid)));
  });
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(
      invalid(
        `${path}.shareProcessNamespace`,
        true,
        'ShareProcessNamespace and HostPID cannot both be enabled',
      ),
    );
  }
  errs.push(...validateSysctls(spec, `${path}.sysctls`));
  errs.push(
    ...enumField(sc.fsGroupChangePolicy, `${path}.fsGroupChangePolicy`, ['Always', 'OnRootMismatch']),
  );
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  errs.push(
    ...enumField(sc.supplementalGroupsPolicy, `${path}.supplementalGroupsPolicy`, ['Merge', 'Strict']),
  );
  errs.push(
    ...enumField(sc.seLinuxChangePolicy, `${path}.seLinuxChangePolicy`, ['MountOption', 'Recursive']),
  );
  return errs;
}

function enumField(value: string | undefined, path: string, supported: readonly string[]): FieldError[] {
  return value === undefined || supported.includes(value) ? [] : [notSupported(path, value, supported)];
}

const seccompTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

function validateSeccompProfile(profile: Profile | undefined, path: string): FieldError[] {
  if (profile === undefined) return [];
  const errs: FieldError[] = [];
  if (!profile.type) errs.push(required(`${path}.type`, 'type is required when seccompProfile is set'));
  else if (!seccompTypes.includes(profile.type))
    errs.push(notSupported(`${path}.type`, profile.type, seccompTypes));
  if (profile.type === 'Localhost') {
    if (profile.localhostProfile === undefined) {
      errs.push(required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost'));
    } else {
      errs.push(...validateLocalDescendingPath(profile.localhostProfile, `${path}.localhostProfile`));
    }
  } else if (profile.localhostProfile !== undefined) {
    errs.push(invalid(`${path}.localhostProfile`, profile, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

const appArmorTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];
const maxLocalhostProfileLength = 4095; // PATH_MAX - 1

function validateAppArmorProfile(profile: Profile | undefined, path: string): FieldError[] {
  if (profile === undefined) return [];
  const local = profile.localhostProfile;
  switch (profile.type) {
    case 'Localhost': {
      if (local === undefined)
        return [required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost')];
      const errs: FieldError[] = [];
      if (local.trim() !== local) {
        errs.push(invalid(`${path}.localhostProfile`, local, 'must not be padded with whitespace'));
      } else if (local === '') {
        errs.push(required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost'));
      }
      if (Buffer.byteLength(local) > maxLocalhostProfileLength) {
        errs.push(tooLong(`${path}.localhostProfile`, maxLocalhostProfileLength));
      }
      return errs;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      return local === undefined
        ? []
        : [invalid(`${path}.localhostProfile`, local, 'can only be set when AppArmor type is Localhost')];
    case undefined:
    case '':
      return [required(`${path}.type`, 'type is required when appArmorProfile is set')];
    default:
      return [notSupported(`${path}.type`, profile.type, appArmorTypes)];
  }
}

const sysctlSegment = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
// Printed in the error as Go prints the regexp.
const sysctlNamePattern = `^(${sysctlSegment}[\\./])*${sysctlSegment}$`;
const sysctlNameRe = new RegExp(sysctlNamePattern);
const sysctlMaxLength = 253;

function validateSysctls(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.securityContext?.sysctls ?? []).forEach((sysctl, i) => {
    const name = sysctl.name ?? '';
    const namePath = `${path}[${i}].name`;
    if (name === '') {
      errs.push(required(namePath));
    } else if (name.length > sysctlMaxLength || !sysctlNameRe.test(name)) {
      const detail = `must have at most ${sysctlMaxLength} characters and match regex ${sysctlNamePattern}`;
      errs.push(invalid(namePath, name, detail));
    } else if (seen.has(name)) {
      errs.push(duplicate(namePath, name));
    }
    const namespace = sysctlNamespace(name);
    if (spec.hostNetwork === true && namespace === 'net') {
      errs.push(invalid(namePath, name, "may not be specified when 'hostNetwork' is true"));
    } else if (spec.hostIPC === true && namespace === 'ipc') {
      errs.push(invalid(namePath, name, "may not be specified when 'hostIPC' is true"));
    }
    seen.add(name);
  });
  return errs;
}

// component-helpers/node/util/sysctl GetNamespace, on the dotted form of the name.
function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  const dotted = /^[^./]*\//.test(name) ? name.replace(/[./]/g, (c) => (c === '/' ? '.' : '/')) : name;
  if (dotted.startsWith('net.')) return 'net';
  if (
    dotted === 'kernel.sem' ||
    ['kernel.shm', 'kernel.msg', 'fs.mqueue.'].some((p) => dotted.startsWith(p))
  ) {
    return 'ipc';
  }
  return undefined;
}
