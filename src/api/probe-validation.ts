// Probes and lifecycle hooks (pkg/apis/core/validation/validation.go validateProbe, validateLivenessProbe,
// validateReadinessProbe, validateStartupProbe, validateLifecycle, validateHandler and the actions).
import type { HTTPGetAction, Lifecycle, LifecycleHandler, Probe } from 'kubernetes-types/core/v1.js';
import { type FieldError, forbidden, invalid, invalidEach, notSupported, required } from './errors.js';
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from './names.js';

type ProbeKind = 'liveness' | 'readiness' | 'startup';

// The actions of a ProbeHandler (exec, httpGet, tcpSocket, grpc) or a LifecycleHandler (no grpc, sleep).
type Handler = {
  [K in 'exec' | 'httpGet' | 'tcpSocket' | 'grpc' | 'sleep']?: (Probe & LifecycleHandler)[K] | undefined;
};

export function validateProbe(
  probe: Probe | undefined,
  kind: ProbeKind,
  gracePeriod: number | undefined,
  path: string,
): FieldError[] {
  if (probe === undefined) return [];
  const { exec, httpGet, tcpSocket, grpc } = probe;
  const errs = validateHandler({ exec, httpGet, tcpSocket, grpc }, gracePeriod, path);
  for (const field of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    const value = probe[field] ?? 0;
    if (value < 0) errs.push(invalid(`${path}.${field}`, value, 'must be greater than or equal to 0'));
  }
  const grace = probe.terminationGracePeriodSeconds;
  if (grace !== undefined && grace <= 0) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than 0'));
  }
  if (kind === 'readiness') {
    if (grace !== undefined) {
      errs.push(
        invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must not be set for readinessProbes'),
      );
    }
  } else if ((probe.successThreshold ?? 0) !== 1) {
    errs.push(invalid(`${path}.successThreshold`, probe.successThreshold ?? 0, 'must be 1'));
  }
  return errs;
}

export function validateLifecycle(
  lifecycle: Lifecycle,
  gracePeriod: number | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop'] as const) {
    const handler = lifecycle[hook];
    if (handler === undefined) continue;
    const { exec, httpGet, tcpSocket, sleep } = handler;
    errs.push(...validateHandler({ exec, httpGet, tcpSocket, sleep }, gracePeriod, `${path}.${hook}`));
  }
  return errs;
}

// Exactly one action; every further one is reported as forbidden, in upstream's order.
function validateHandler(handler: Handler, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  const actions: [keyof Handler, () => FieldError[]][] = [
    ['exec', () => (handler.exec?.command?.length ? [] : [required(`${path}.exec.command`)])],
    ['httpGet', () => validateHTTPGet(handler.httpGet ?? { port: 0 }, `${path}.httpGet`)],
    ['tcpSocket', () => validatePortNumOrName(handler.tcpSocket?.port ?? 0, `${path}.tcpSocket.port`)],
    ['grpc', () => validatePortNumOrName(handler.grpc?.port ?? 0, `${path}.grpc.port`)],
    ['sleep', () => validateSleep(handler.sleep?.seconds ?? 0, gracePeriod, `${path}.sleep`)],
  ];
  for (const [name, validate] of actions) {
    if (handler[name] === undefined) continue;
    if (count > 0) {
      errs.push(forbidden(`${path}.${name}`, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    errs.push(...validate());
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

const httpSchemes = ['HTTP', 'HTTPS'];

function validateHTTPGet(action: HTTPGetAction, path: string): FieldError[] {
  const errs = action.path ? [] : [required(`${path}.path`)];
  errs.push(...validatePortNumOrName(action.port, `${path}.port`));
  const scheme = action.scheme ?? '';
  if (!httpSchemes.includes(scheme)) errs.push(notSupported(`${path}.scheme`, scheme, httpSchemes));
  for (const header of action.httpHeaders ?? []) {
    errs.push(...invalidEach(`${path}.httpHeaders`, header.name, isHTTPHeaderName(header.name ?? '')));
  }
  return errs;
}

/** ValidatePortNumOrName: an IntOrString port is either a port number or an IANA_SVC_NAME. */
function validatePortNumOrName(port: number | string, path: string): FieldError[] {
  if (typeof port === 'number') return invalidEach(path, port, isValidPortNum(port));
  return invalidEach(path, port, isValidPortName(port));
}

// PodLifecycleSleepActionAllowZero is on by default since 1.33, so zero seconds is allowed.
function validateSleep(seconds: number, gracePeriod: number | undefined, path: string): FieldError[] {
  if (gracePeriod === undefined || (seconds >= 0 && seconds <= gracePeriod)) return [];
  return [
    invalid(
      path,
      seconds,
      `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`,
    ),
  ];
}
