// The baseline checks of the Pod Security Standards, one function per check version
// (pod-security-admission policy/check_*.go; the file of each is named in its comment).
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { goQuote } from '../errors.js';
import {
  allContainers,
  badContainerNames,
  containersPhrase,
  joinQuote,
  pluralize,
  settersPhrase,
  sortedSet,
  type CheckFn,
  type Violation,
} from './check-helpers.js';

/** check_hostNamespaces.go */
export const hostNamespaces: CheckFn = (_meta, spec) => {
  const shared = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => spec[f] === true);
  if (shared.length === 0) return undefined;
  return { forbiddenReason: 'host namespaces', forbiddenDetail: shared.map((f) => `${f}=true`).join(', ') };
};

/** check_privileged.go */
export const privileged: CheckFn = (_meta, spec) => {
  const bad = badContainerNames(spec, (c) => c.securityContext?.privileged === true);
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'privileged',
    forbiddenDetail: `${containersPhrase(bad)} must not set securityContext.privileged=true`,
  };
};

// The capabilities a container runtime grants by default, minus NET_RAW (check_capabilities_baseline.go).
const defaultCapabilities = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** check_capabilities_baseline.go */
export const capabilitiesBaseline: CheckFn = (_meta, spec) => {
  const added = new Set<string>();
  const bad = badContainerNames(spec, (c) => {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !defaultCapabilities.has(cap));
    extra.forEach((cap) => added.add(cap));
    return extra.length > 0;
  });
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'non-default capabilities',
    forbiddenDetail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(added))} in securityContext.capabilities.add`,
  };
};

/** check_hostPathVolumes.go */
export const hostPathVolumes: CheckFn = (_meta, spec) => {
  const bad = (spec.volumes ?? []).filter((v) => v.hostPath !== undefined).map((v) => v.name);
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'hostPath volumes',
    forbiddenDetail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`,
  };
};

/** check_hostPorts.go: the ports are listed as a sorted set of strings, so "8080" comes before "80". */
export const hostPorts: CheckFn = (_meta, spec) => {
  const ports = new Set<string>();
  const bad = badContainerNames(spec, (c) => {
    const used = (c.ports ?? []).filter((p) => (p.hostPort ?? 0) !== 0);
    used.forEach((p) => ports.add(String(p.hostPort)));
    return used.length > 0;
  });
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'hostPort',
    forbiddenDetail: [
      containersPhrase(bad),
      pluralize('uses', 'use', bad.length),
      pluralize('hostPort', 'hostPorts', ports.size),
      sortedSet(ports).join(', '),
    ].join(' '),
  };
};

const appArmorAnnotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';
const allowedAppArmorTypes = new Set(['RuntimeDefault', 'Localhost']);

function allowedAppArmorAnnotation(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

/** check_appArmorProfile.go: the appArmorProfile fields (v1.30 API) and the deprecated annotations. */
export const appArmorProfile: CheckFn = (meta, spec) => {
  const badValues = new Set<string>();
  const podType = spec.securityContext?.appArmorProfile?.type;
  const podIsBad =
    spec.securityContext?.appArmorProfile !== undefined && !allowedAppArmorTypes.has(podType ?? '');
  if (podIsBad) badValues.add(podType ?? '');
  const bad = badContainerNames(spec, (c) => {
    const profile = c.securityContext?.appArmorProfile;
    if (profile === undefined || allowedAppArmorTypes.has(profile.type)) return false;
    badValues.add(profile.type);
    return true;
  });
  const setters = settersPhrase(podIsBad, bad);
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([key, value]) => key.startsWith(appArmorAnnotationPrefix) && !allowedAppArmorAnnotation(value))
    .map(([key, value]) => `${key}=${goQuote(value)}`)
    .sort();
  if (annotations.length > 0) setters.push(pluralize('annotation', 'annotations', annotations.length));
  if (setters.length === 0) return undefined;
  const values = [...sortedSet(badValues), ...annotations];
  return {
    forbiddenReason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    forbiddenDetail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
  };
};

/** check_procMount.go: anything but Default unmasks /proc. */
export const procMount: CheckFn = (_meta, spec) => {
  const types = new Set<string>();
  const bad = badContainerNames(spec, (c) => {
    const type = c.securityContext?.procMount;
    if (type === undefined || type === 'Default') return false;
    types.add(type);
    return true;
  });
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'procMount',
    forbiddenDetail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
  };
};

const seLinuxTypes1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];

function seLinuxOptions(allowedTypes: ReadonlySet<string>): CheckFn {
  return (_meta, spec) => {
    const badTypes = new Set<string>();
    let setUser = false;
    let setRole = false;
    const valid = (o: { type?: string; user?: string; role?: string }): boolean => {
      const typeOk = allowedTypes.has(o.type ?? '');
      if (!typeOk) badTypes.add(o.type ?? '');
      setUser ||= (o.user ?? '') !== '';
      setRole ||= (o.role ?? '') !== '';
      return typeOk && (o.user ?? '') === '' && (o.role ?? '') === '';
    };
    const podOptions = spec.securityContext?.seLinuxOptions;
    const podIsBad = podOptions !== undefined && !valid(podOptions);
    const bad = badContainerNames(spec, (c) => {
      const o = c.securityContext?.seLinuxOptions;
      return o !== undefined && !valid(o);
    });
    const setters = settersPhrase(podIsBad, bad);
    if (setters.length === 0) return undefined;
    const problems: string[] = [];
    if (badTypes.size > 0) {
      problems.push(`${pluralize('type', 'types', badTypes.size)} ${joinQuote(sortedSet(badTypes))}`);
    }
    if (setUser) problems.push('user may not be set');
    if (setRole) problems.push('role may not be set');
    return {
      forbiddenReason: 'seLinuxOptions',
      forbiddenDetail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`,
    };
  };
}

/** check_seLinuxOptions.go */
export const seLinuxOptions1_0 = seLinuxOptions(new Set(seLinuxTypes1_0));
export const seLinuxOptions1_31 = seLinuxOptions(new Set([...seLinuxTypes1_0, 'container_engine_t']));

const seccompPodAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerAnnotationPrefix = 'container.seccomp.security.alpha.kubernetes.io/';

function allowedSeccompAnnotation(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

/** check_seccompProfile_baseline.go before v1.19: the alpha annotations. */
export const seccompProfileBaseline1_0: CheckFn = (meta, spec) => {
  const annotations = meta.annotations ?? {};
  const keys = [
    seccompPodAnnotation,
    ...allContainers(spec).map((c) => seccompContainerAnnotationPrefix + c.name),
  ];
  const forbidden = keys.flatMap((key) => {
    const value = annotations[key];
    return value === undefined || allowedSeccompAnnotation(value) ? [] : [`${key}=${goQuote(value)}`];
  });
  if (forbidden.length === 0) return undefined;
  const list = sortedSet(forbidden);
  return {
    forbiddenReason: 'seccompProfile',
    forbiddenDetail: `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`,
  };
};

export function validSeccompType(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** Who explicitly set seccompProfile.type to something other than RuntimeDefault or Localhost. */
export function explicitlyBadSeccomp(spec: PodSpec): Violation | undefined {
  const badValues = new Set<string>();
  const podProfile = spec.securityContext?.seccompProfile;
  const podIsBad = podProfile !== undefined && !validSeccompType(podProfile.type);
  if (podIsBad) badValues.add(podProfile.type);
  const bad = badContainerNames(spec, (c) => {
    const profile = c.securityContext?.seccompProfile;
    if (profile === undefined || validSeccompType(profile.type)) return false;
    badValues.add(profile.type);
    return true;
  });
  const setters = settersPhrase(podIsBad, bad);
  if (setters.length === 0) return undefined;
  return {
    forbiddenReason: 'seccompProfile',
    forbiddenDetail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
  };
}

/** check_seccompProfile_baseline.go from v1.19: unset is allowed, Unconfined is not. */
export const seccompProfileBaseline1_19: CheckFn = (_meta, spec) => explicitlyBadSeccomp(spec);

// The namespaced sysctls that cannot affect other pods or the node (check_sysctls.go), by the version adding them.
const safeSysctls1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const safeSysctls1_27 = [...safeSysctls1_0, 'net.ipv4.ip_local_reserved_ports'];
const safeSysctls1_29 = [
  ...safeSysctls1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const safeSysctls1_32 = [...safeSysctls1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];

function sysctls(safe: ReadonlySet<string>): CheckFn {
  return (_meta, spec) => {
    const forbidden = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !safe.has(n));
    if (forbidden.length === 0) return undefined;
    return { forbiddenReason: 'forbidden sysctls', forbiddenDetail: forbidden.join(', ') };
  };
}

export const sysctls1_0 = sysctls(new Set(safeSysctls1_0));
export const sysctls1_27 = sysctls(new Set(safeSysctls1_27));
export const sysctls1_29 = sysctls(new Set(safeSysctls1_29));
export const sysctls1_32 = sysctls(new Set(safeSysctls1_32));

/** check_windowsHostProcess.go */
export const windowsHostProcess: CheckFn = (_meta, spec) => {
  const podIsBad = spec.securityContext?.windowsOptions?.hostProcess === true;
  const bad = badContainerNames(spec, (c) => c.securityContext?.windowsOptions?.hostProcess === true);
  const setters = settersPhrase(podIsBad, bad);
  if (setters.length === 0) return undefined;
  return {
    forbiddenReason: 'hostProcess',
    forbiddenDetail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
  };
};
