// ValidateService and ValidateServiceUpdate (pkg/apis/core/validation/validation.go), with upstream's paths,
// messages and order, for the single-stack IPv4 Services podlet serves.
import { isIP } from 'node:net';
import type { Service, ServicePort, SessionAffinityConfig } from 'kubernetes-types/core/v1.js';
import {
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  notSupported,
  required,
  type FieldError,
} from './errors.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP } from './names.js';
import { isValidPortName, isValidPortNum } from './names.js';
import { validateLabels, validateObjectMeta } from './object-meta-validation.js';
import { externallyAccessible, isHeadless } from './service-defaults.js';

type Spec = NonNullable<Service['spec']>;

/** core.MaxClientIPServiceAffinitySeconds: one day. */
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
const FIELD_IMMUTABLE = 'field is immutable';

// Upstream lists supported values sorted (sets.List).
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const AFFINITIES = ['ClientIP', 'None'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];

export function validateService(service: Service): FieldError[] {
  const spec: Spec = service.spec ?? {};
  const errs = validateServiceMeta(service);
  if ((spec.ports ?? []).length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') {
    errs.push(required('spec.ports'));
  }
  if (spec.type === 'ExternalName') errs.push(...validateExternalName(spec));
  const names = new Set<string>();
  const ports = spec.ports ?? [];
  ports.forEach((p, i) => errs.push(...validatePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateAffinity(spec));
  errs.push(...validateClusterIPsRelatedFields(service));
  (spec.externalIPs ?? []).forEach((ip, i) =>
    errs.push(...invalidEach(`spec.externalIPs[${i}]`, ip, isValidIP(ip))),
  );
  if (!spec.type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, SERVICE_TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort)
        errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  errs.push(...duplicatePorts(ports));
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

export function validateServiceUpdate(service: Service, old: Service): FieldError[] {
  return [
    ...validateClusterIPsUpdate(service, old),
    ...validateIPFamiliesUpdate(service, old),
    ...validateService(service),
  ];
}

/** ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs in step, well-formed, families consistent. */
export function validateClusterIPsRelatedFields(service: Service): FieldError[] {
  const spec: Spec = service.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required('spec.clusterIPs'));
    else if (ips[0] !== spec.clusterIP)
      errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((family, i) => {
    if (!IP_FAMILIES.includes(family)) errs.push(notSupported(`spec.ipFamilies[${i}]`, family, IP_FAMILIES));
    if (seen.has(family)) errs.push(duplicate(`spec.ipFamilies[${i}]`, family));
    seen.add(family);
  });
  if (spec.ipFamilyPolicy !== undefined && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      }
      return;
    }
    const messages = isValidIP(ip);
    badIPs ||= messages.length > 0;
    errs.push(...invalidEach(`spec.clusterIPs[${i}]`, ip, messages));
  });
  if (ips.length > 2) errs.push(invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length > 1 && isIP(ips[0] ?? '') === isIP(ips[1] ?? '')) {
    errs.push(invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) errs.push(...familyMismatches(ips, spec.ipFamilies ?? []));
  return errs;
}

function familyMismatches(ips: readonly string[], families: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  ips.forEach((ip, i) => {
    const family = families[i];
    if (family === 'IPv4' && isIP(ip) === 6) {
      errs.push(
        invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``),
      );
    }
    if (family === 'IPv6' && isIP(ip) === 4) {
      errs.push(
        invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``),
      );
    }
  });
  return errs;
}

// ValidateServiceName is NameIsDNS1035Label; the rest is ValidateObjectMeta.
function validateServiceMeta(service: Service): FieldError[] {
  const meta = service.metadata ?? {};
  const errs = validateObjectMeta(meta, 'metadata');
  if (!meta.name) return errs;
  return [
    ...errs.filter((e) => e.field !== 'metadata.name'),
    ...invalidEach('metadata.name', meta.name, isDNS1035Label(meta.name)),
  ];
}

function validateExternalName(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  if ((spec.clusterIPs ?? []).length > 0)
    errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  if ((spec.ipFamilies ?? []).length > 0)
    errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
  if (spec.ipFamilyPolicy !== undefined) {
    errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
  }
  // A trailing dot marks the name fully qualified.
  const cname = (spec.externalName ?? '').replace(/\.$/, '');
  if (cname.length > 0) errs.push(...invalidEach('spec.externalName', cname, isDNS1123Subdomain(cname)));
  else errs.push(required('spec.externalName'));
  return errs;
}

function validatePort(
  port: ServicePort,
  requireName: boolean,
  names: Set<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !port.name) {
    errs.push(required(`${path}.name`));
  } else if (port.name) {
    errs.push(...invalidEach(`${path}.name`, port.name, isDNS1123Label(port.name)));
    if (names.has(port.name)) errs.push(duplicate(`${path}.name`, port.name));
    else names.add(port.name);
  }
  errs.push(...invalidEach(`${path}.port`, port.port, isValidPortNum(port.port)));
  if (!port.protocol) errs.push(required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(port.protocol))
    errs.push(notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
  const target = port.targetPort;
  if (typeof target === 'string')
    errs.push(...invalidEach(`${path}.targetPort`, target, isValidPortName(target)));
  else if (target !== undefined)
    errs.push(...invalidEach(`${path}.targetPort`, target, isValidPortNum(target)));
  if (port.appProtocol !== undefined) {
    errs.push(...invalidEach(`${path}.appProtocol`, port.appProtocol, isQualifiedName(port.appProtocol)));
  }
  return errs;
}

function validateAffinity(spec: Spec): FieldError[] {
  const affinity = spec.sessionAffinity;
  if (!affinity) return [required('spec.sessionAffinity')];
  if (!AFFINITIES.includes(affinity)) return [notSupported('spec.sessionAffinity', affinity, AFFINITIES)];
  if (affinity === 'ClientIP') return validateClientIPConfig(spec.sessionAffinityConfig);
  if (spec.sessionAffinityConfig !== undefined) {
    return [forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None')];
  }
  return [];
}

function validateClientIPConfig(config: SessionAffinityConfig | undefined): FieldError[] {
  const why = 'when session affinity type is ClientIP';
  const path = 'spec.sessionAffinityConfig';
  if (config === undefined) return [required(path, why)];
  if (config.clientIP === undefined) return [required(`${path}.clientIP`, why)];
  const timeout = config.clientIP.timeoutSeconds;
  if (timeout === undefined) return [required(`${path}.clientIP.timeoutSeconds`, why)];
  if (timeout <= 0 || timeout > MAX_CLIENT_IP_AFFINITY_SECONDS) {
    return [
      invalid(
        `${path}.clientIP.timeoutSeconds`,
        timeout,
        `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`,
      ),
    ];
  }
  return [];
}

/**
 * Two ports with one (protocol, nodePort) or one (protocol, port). The duplicate port is reported as the internal
 * core.ServicePort key upstream builds (no JSON tags on internal types, zero fields included).
 */
function duplicatePorts(ports: readonly ServicePort[]): FieldError[] {
  const errs: FieldError[] = [];
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol ?? ''}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ''}/${p.port}`;
    if (seen.has(key)) {
      errs.push(
        duplicate(`spec.ports[${i}]`, {
          Name: '',
          Protocol: p.protocol ?? '',
          AppProtocol: null,
          Port: p.port,
          TargetPort: 0,
          NodePort: 0,
        }),
      );
    }
    seen.add(key);
  });
  return errs;
}

// validateServiceExternalTrafficPolicy and validateServiceInternalTrafficFieldsValue.
function validateTrafficPolicies(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const external = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (external)
      errs.push(
        invalid('spec.externalTrafficPolicy', external, 'may only be set for externally-accessible services'),
      );
  } else if (!external) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(external)) {
    errs.push(notSupported('spec.externalTrafficPolicy', external, TRAFFIC_POLICIES));
  }
  const needsHealthCheck = spec.type === 'LoadBalancer' && external === 'Local';
  if (!needsHealthCheck && spec.healthCheckNodePort) {
    errs.push(
      invalid(
        'spec.healthCheckNodePort',
        spec.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  }
  const internal = spec.internalTrafficPolicy;
  if (spec.type !== 'ExternalName') {
    if (!internal) errs.push(required('spec.internalTrafficPolicy'));
    else if (!TRAFFIC_POLICIES.includes(internal)) {
      errs.push(notSupported('spec.internalTrafficPolicy', internal, TRAFFIC_POLICIES));
    }
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: the primary cluster IP never changes (except to or from ExternalName). */
function validateClusterIPsUpdate(service: Service, old: Service): FieldError[] {
  if (service.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return [];
  const ips = service.spec?.clusterIPs ?? [];
  const oldIPs = old.spec?.clusterIPs ?? [];
  if (ips.length === oldIPs.length) {
    return oldIPs.flatMap((ip, i) =>
      ip !== ips[i] ? [invalid(`spec.clusterIPs[${i}]`, ips, FIELD_IMMUTABLE)] : [],
    );
  }
  const errs: FieldError[] = [];
  if (oldIPs.length > ips.length) {
    if (ips.length === 0 || ips[0] !== oldIPs[0])
      errs.push(invalid('spec.clusterIPs[0]', ips, FIELD_IMMUTABLE));
    if (ips.length === 1 && service.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        invalid(
          'spec.clusterIPs[0]',
          ips,
          "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP",
        ),
      );
    }
    return errs;
  }
  if (oldIPs.length > 0 && ips[0] !== oldIPs[0])
    errs.push(invalid('spec.clusterIPs[0]', ips, FIELD_IMMUTABLE));
  return errs;
}

/** validateUpgradeDowngradeIPFamilies: the primary family never changes. */
function validateIPFamiliesUpdate(service: Service, old: Service): FieldError[] {
  if (service.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return [];
  const families = service.spec?.ipFamilies ?? [];
  const oldFamilies = old.spec?.ipFamilies ?? [];
  if (families.length === oldFamilies.length) {
    return oldFamilies.flatMap((f, i) =>
      f !== families[i] ? [invalid(`spec.ipFamilies[${i}]`, families, FIELD_IMMUTABLE)] : [],
    );
  }
  if (oldFamilies.length > 0 && families.length > 0 && families[0] !== oldFamilies[0]) {
    return [invalid('spec.ipFamilies[0]', families, FIELD_IMMUTABLE)];
  }
  return [];
}
