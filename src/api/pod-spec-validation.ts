// ValidatePodSpec (pkg/apis/core/validation/validation.go), in upstream's order, with v1.33's defaults for
// feature gates (RelaxedDNSSearchValidation on, PodLevelResources off so spec.resources is not validated).
import type { PodDNSConfig, PodSpec, Toleration } from 'kubernetes-types/core/v1.js';
import {
  type ContainerContext,
  validateContainers,
  validateEphemeralContainers,
  validateInitContainers,
} from './container-validation.js';
import {
  type FieldError,
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  notSupported,
  required,
} from './errors.js';
import {
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123SubdomainWithUnderscore,
  isQualifiedName,
  isValidIP,
  isValidLabelValue,
  nameIsDNSSubdomain,
} from './names.js';
import { validateLabels } from './object-meta-validation.js';
import { validatePodSecurityContext } from './security-context-validation.js';
import type { VolumeWithImage } from './v1-additions.js';
import { validateVolumes } from './volume-validation.js';

export function validatePodSpec(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.terminationGracePeriodSeconds === undefined)
    errs.push(required(`${path}.terminationGracePeriodSeconds`));
  const volumes = validateVolumes((spec.volumes ?? []) as VolumeWithImage[], `${path}.volumes`);
  errs.push(...volumes.errors);
  const ctx: ContainerContext = {
    volumes: volumes.valid,
    podClaimNames: new Set((spec.resourceClaims ?? []).map((c) => c.name ?? '').filter((n) => n !== '')),
    gracePeriod: spec.terminationGracePeriodSeconds,
    podRestartPolicy: spec.restartPolicy ?? '',
    hostUsers: spec.hostUsers !== false,
  };
  // A manifest may omit the list although the type requires it.
  const containers = spec.containers ?? [];
  const inits = spec.initContainers ?? [];
  const ephemerals = spec.ephemeralContainers ?? [];
  errs.push(...validateContainers(containers, ctx, `${path}.containers`));
  errs.push(...validateInitContainers(inits, containers, ctx, `${path}.initContainers`));
  errs.push(
    ...validateEphemeralContainers(ephemerals, containers, inits, ctx, `${path}.ephemeralContainers`),
  );
  errs.push(...validateHostNetworkPorts(spec, path));
  errs.push(...validateEnum(spec.restartPolicy, `${path}.restartPolicy`, ['Always', 'OnFailure', 'Never']));
  const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  errs.push(...validateEnum(spec.dnsPolicy, `${path}.dnsPolicy`, dnsPolicies));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(spec, `${path}.securityContext`));
  errs.push(...validateDNSConfig(spec.dnsConfig, spec.dnsPolicy, `${path}.dnsConfig`));
  (spec.readinessGates ?? []).forEach((gate, i) => {
    const at = `${path}.readinessGates[${i}].conditionType`;
    errs.push(...invalidEach(at, gate.conditionType, isQualifiedName(gate.conditionType ?? '')));
  });
  errs.push(...validateSchedulingGates(spec, `${path}.schedulingGates`));
  errs.push(...validateHostUsers(spec, path));
  errs.push(...validateNamesAndLimits(spec, path));
  errs.push(...validateTolerations(spec.tolerations ?? [], `${path}.tolerations`));
  (spec.hostAliases ?? []).forEach((alias, i) => {
    const at = `${path}.hostAliases[${i}]`;
    errs.push(...invalidEach(`${at}.ip`, alias.ip ?? '', isValidIP(alias.ip ?? '')));
    (alias.hostnames ?? []).forEach((host, j) => {
      errs.push(...invalidEach(`${at}.hostnames[${j}]`, host, nameIsDNSSubdomain(host, false)));
    });
  });
  errs.push(...validateTail(spec, path));
  return errs;
}

/** A required enumerated field: empty is Required, anything else unknown is NotSupported. */
function validateEnum(value: string | undefined, path: string, supported: readonly string[]): FieldError[] {
  if (!value) return [required(path)];
  return supported.includes(value) ? [] : [notSupported(path, value, supported)];
}

// validatePodHostNetworkDeps: with host networking a container port is the host's port, so the two agree.
function validateHostNetworkPorts(spec: PodSpec, path: string): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  (spec.containers ?? []).forEach((c, i) => {
    (c.ports ?? []).forEach((port, j) => {
      if ((port.hostPort ?? 0) !== port.containerPort) {
        const at = `${path}.containers[${i}].ports[${j}].hostPort`;
        errs.push(invalid(at, port.hostPort ?? 0, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

const maxNameservers = 3;
const maxSearchPaths = 32;
const maxSearchListChars = 2048;

function validateDNSConfig(
  config: PodDNSConfig | undefined,
  policy: string | undefined,
  path: string,
): FieldError[] {
  if (policy === 'None') {
    if (config === undefined) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if ((config.nameservers ?? []).length === 0) {
      return [
        required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'),
      ];
    }
  }
  if (config === undefined) return [];
  const errs: FieldError[] = [];
  const nameservers = config.nameservers ?? [];
  if (nameservers.length > maxNameservers) {
    errs.push(
      invalid(`${path}.nameservers`, nameservers, `must not have more than ${maxNameservers} nameservers`),
    );
  }
  nameservers.forEach((ns, i) => errs.push(...invalidEach(`${path}.nameservers[${i}]`, ns, isValidIP(ns))));
  const searches = config.searches ?? [];
  if (searches.length > maxSearchPaths) {
    errs.push(
      invalid(`${path}.searches`, searches, `must not have more than ${maxSearchPaths} search paths`),
    );
  }
  if (searches.join(' ').length > maxSearchListChars) {
    const detail = `must not have more than ${maxSearchListChars} characters (including spaces) in the search list`;
    errs.push(invalid(`${path}.searches`, searches, detail));
  }
  searches.forEach((search, i) => {
    if (search === '.') return;
    const trimmed = search.endsWith('.') ? search.slice(0, -1) : search;
    errs.push(...invalidEach(`${path}.searches[${i}]`, trimmed, isDNS1123SubdomainWithUnderscore(trimmed)));
  });
  (config.options ?? []).forEach((option, i) => {
    if (!option.name) errs.push(required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

function validateSchedulingGates(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.schedulingGates ?? []).forEach((gate, i) => {
    const name = gate.name ?? '';
    errs.push(...invalidEach(`${path}[${i}]`, name, isQualifiedName(name)));
    if (seen.has(name)) errs.push(duplicate(`${path}[${i}]`, name));
    seen.add(name);
  });
  return errs;
}

// User namespaces cannot be combined with the host's namespaces. The odd capitalisation is upstream's.
function validateHostUsers(spec: PodSpec, path: string): FieldError[] {
  if (spec.hostUsers !== false) return [];
  const errs: FieldError[] = [];
  const detail = 'when `pod.Spec.HostUsers` is false';
  if (spec.hostNetwork === true) errs.push(forbidden(`${path}.hostNetwork`, detail));
  if (spec.hostPID === true) errs.push(forbidden(`${path}.HostPID`, detail));
  if (spec.hostIPC === true) errs.push(forbidden(`${path}.HostIPC`, detail));
  return errs;
}

function validateNamesAndLimits(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.serviceAccountName)
    errs.push(...subdomainErrors(spec.serviceAccountName, `${path}.serviceAccountName`));
  if (spec.nodeName) errs.push(...subdomainErrors(spec.nodeName, `${path}.nodeName`));
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && (deadline < 1 || deadline > 2 ** 31 - 1)) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, deadline, inclusiveRangeError(1, 2 ** 31 - 1)));
  }
  for (const field of ['hostname', 'subdomain'] as const) {
    const value = spec[field];
    if (value) errs.push(...invalidEach(`${path}.${field}`, value, isDNS1123Label(value)));
  }
  return errs;
}

/** Names of other objects (service account, node, priority and runtime classes) are DNS-1123 subdomains. */
function subdomainErrors(name: string, path: string): FieldError[] {
  return invalidEach(path, name, nameIsDNSSubdomain(name, false));
}

function validateTolerations(tolerations: readonly Toleration[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const at = `${path}[${i}]`;
    const { key = '', operator = '', value = '', effect = '' } = t;
    if (key) errs.push(...invalidEach(`${at}.key`, key, isQualifiedName(key)));
    if (!key && operator !== 'Exists') {
      const detail =
        'operator must be Exists when `key` is empty, which means "match all values and all keys"';
      errs.push(invalid(`${at}.operator`, operator, detail));
    }
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') {
      errs.push(
        invalid(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      );
    }
    if (operator === 'Equal' || operator === '') {
      const problems = isValidLabelValue(value);
      if (problems.length > 0) errs.push(invalid(`${at}.operator`, value, problems.join(';')));
    } else if (operator === 'Exists') {
      if (value)
        errs.push(invalid(`${at}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${at}.operator`, operator, ['Equal', 'Exists']));
    }
    const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
    if (effect && !effects.includes(effect)) errs.push(notSupported(`${at}.effect`, effect, effects));
  });
  return errs;
}

// The checks after tolerations and host aliases: class names, preemption policy and the OS.
function validateTail(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.priorityClassName)
    errs.push(...subdomainErrors(spec.priorityClassName, `${path}.priorityClassName`));
  // An empty runtimeClassName is set, so it is checked (and refused) as upstream does.
  if (spec.runtimeClassName !== undefined) {
    errs.push(...subdomainErrors(spec.runtimeClassName, `${path}.runtimeClassName`));
  }
  if (spec.preemptionPolicy !== undefined) {
    errs.push(
      ...validateEnum(spec.preemptionPolicy, `${path}.preemptionPolicy`, ['PreemptLowerPriority', 'Never']),
    );
  }
  const os = spec.os;
  if (os === undefined) return errs;
  if (!os.name) errs.push(required(`${path}.os.name`, 'cannot be empty'));
  else if (os.name === 'linux') errs.push(...windowsOptionsOnLinux(spec, path));
  else if (os.name !== 'windows') errs.push(notSupported(`${path}.os`, os.name, ['linux', 'windows']));
  return errs;
}

function windowsOptionsOnLinux(spec: PodSpec, path: string): FieldError[] {
  const detail = 'windows options cannot be set for a linux pod';
  const errs = spec.securityContext?.windowsOptions
    ? [forbidden(`${path}.securityContext.windowsOptions`, detail)]
    : [];
  // VisitContainersWithPath's order: init, regular, ephemeral.
  const lists = [
    ['initContainers', spec.initContainers ?? []],
    ['containers', spec.containers ?? []],
    ['ephemeralContainers', spec.ephemeralContainers ?? []],
  ] as const;
  for (const [field, containers] of lists) {
    containers.forEach((c, i) => {
      if (c.securityContext?.windowsOptions) {
        errs.push(forbidden(`${path}.${field}[${i}].securityContext.windowsOptions`, detail));
      }
    });
  }
  return errs;
}
