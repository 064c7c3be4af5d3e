// Container ports, env and envFrom (pkg/apis/core/validation/validation.go validateContainerPorts, ValidateEnv,
// validateEnvVarValueFrom, ValidateEnvFrom). Env names follow the relaxed rule kube-apiserver applies since
// 1.32 (RelaxedEnvironmentVariableValidation, on by default).
import type {
  ConfigMapKeySelector,
  ContainerPort,
  EnvFromSource,
  EnvVar,
  EnvVarSource,
  SecretKeySelector,
} from 'kubernetes-types/core/v1.js';
import {
  ENV_FIELD_PATHS,
  validateObjectFieldSelector,
  validateResourceFieldSelector,
} from './downward-api-validation.js';
import { type FieldError, duplicate, invalid, invalidEach, notSupported, required } from './errors.js';
import {
  isConfigMapKey,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from './names.js';

const protocols = ['SCTP', 'TCP', 'UDP'];

export function validatePorts(ports: readonly ContainerPort[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = `${path}[${i}]`;
    const name = port.name ?? '';
    if (name !== '') {
      const problems = isValidPortName(name);
      if (problems.length > 0) errs.push(...invalidEach(`${at}.name`, name, problems));
      else if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
      else names.add(name);
    }
    if (!port.containerPort) errs.push(required(`${at}.containerPort`));
    else
      errs.push(
        ...invalidEach(`${at}.containerPort`, port.containerPort, isValidPortNum(port.containerPort)),
      );
    if (port.hostPort)
      errs.push(...invalidEach(`${at}.hostPort`, port.hostPort, isValidPortNum(port.hostPort)));
    const protocol = port.protocol ?? '';
    if (protocol === '') errs.push(required(`${at}.protocol`));
    else if (!protocols.includes(protocol)) errs.push(notSupported(`${at}.protocol`, protocol, protocols));
  });
  return errs;
}

export function validateEnv(env: readonly EnvVar[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((v, i) => {
    const at = `${path}[${i}]`;
    if (!v.name) errs.push(required(`${at}.name`));
    else errs.push(...invalidEach(`${at}.name`, v.name, isRelaxedEnvVarName(v.name)));
    if (v.valueFrom) errs.push(...validateValueFrom(v.valueFrom, v.value ?? '', `${at}.valueFrom`));
  });
  return errs;
}

function validateValueFrom(source: EnvVarSource, value: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  if (source.fieldRef) {
    count++;
    errs.push(...validateObjectFieldSelector(source.fieldRef, ENV_FIELD_PATHS, `${path}.fieldRef`));
  }
  if (source.resourceFieldRef) {
    count++;
    errs.push(...validateResourceFieldSelector(source.resourceFieldRef, `${path}.resourceFieldRef`, false));
  }
  if (source.configMapKeyRef) {
    count++;
    errs.push(...validateKeySelector(source.configMapKeyRef, `${path}.configMapKeyRef`));
  }
  if (source.secretKeyRef) {
    count++;
    errs.push(...validateKeySelector(source.secretKeyRef, `${path}.secretKeyRef`));
  }
  if (count === 0) {
    errs.push(
      invalid(
        path,
        '',
        'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      ),
    );
  } else if (value !== '') {
    errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (count > 1) {
    errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

function validateKeySelector(selector: ConfigMapKeySelector | SecretKeySelector, path: string): FieldError[] {
  const name = selector.name ?? '';
  const errs = invalidEach(`${path}.name`, name, nameIsDNSSubdomain(name, false));
  if (!selector.key) errs.push(required(`${path}.key`));
  else errs.push(...invalidEach(`${path}.key`, selector.key, isConfigMapKey(selector.key)));
  return errs;
}

export function validateEnvFrom(sources: readonly EnvFromSource[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  sources.forEach((source, i) => {
    const at = `${path}[${i}]`;
    if (source.prefix)
      errs.push(...invalidEach(`${at}.prefix`, source.prefix, isRelaxedEnvVarName(source.prefix)));
    let count = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = source[kind];
      if (!ref) continue;
      count++;
      // The name is checked as a generateName prefix: a trailing dash is accepted.
      if (!ref.name) errs.push(required(`${at}.${kind}.name`));
      else errs.push(...invalidEach(`${at}.${kind}.name`, ref.name, nameIsDNSSubdomain(ref.name, true)));
    }
    // Upstream reports these against envFrom itself, not the entry.
    if (count === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (count > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}
