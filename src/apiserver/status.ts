// Every API error is a metav1.Status built here, with the reasons, codes and messages of kube-apiserver
// (k8s.io/apimachinery/pkg/api/errors/errors.go), so kubectl prints what it prints against a real cluster.
import type { Status, StatusCause } from 'kubernetes-types/meta/v1.js';
import { fieldErrorBody, invalidMessage, type FieldError } from '../api/errors.js';
import {
  ExpiredContinueError,
  InvalidContinueError,
  InvalidResourceVersionError,
  ObjectTooLargeError,
  TooOldResourceVersionError,
} from '../store/errors.js';
import { ApplyConflictError, ManagedFieldsError, PatchError } from './patch/errors.js';

export class ApiError extends Error {
  constructor(
    readonly status: Status & { code: number },
    options?: { cause?: unknown },
  ) {
    super(status.message, options);
    this.name = 'ApiError';
  }
}

function failure(code: number, reason: string, message: string, details?: Status['details']): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

/** `resource` is the plural resource (`pods`), qualified with its group when it has one (`leases.coordination.k8s.io`). */
export function notFound(resource: string, name: string): ApiError {
  return failure(404, 'NotFound', `${resource} "${name}" not found`, objectDetails(resource, name));
}

export function pathNotFound(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(resource: string, name: string): ApiError {
  return failure(409, 'AlreadyExists', `${resource} "${name}" already exists`, objectDetails(resource, name));
}

export function conflict(resource: string, name: string, why: string): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resource} "${name}": ${why}`,
    objectDetails(resource, name),
  );
}

export const STALE_OBJECT =
  'the object has been modified; please apply your changes to the latest version and try again';

export function invalid(kind: string, group: string, name: string, errors: readonly FieldError[]): ApiError {
  const causes: StatusCause[] = errors.map((e) => ({
    reason: e.type,
    message: fieldErrorBody(e),
    field: e.field,
  }));
  const qualified = group === '' ? kind : `${kind}.${group}`;
  return failure(422, 'Invalid', invalidMessage(qualified, name, errors), {
    name,
    ...(group ? { group } : {}),
    kind,
    causes,
  });
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

export function unauthorized(): ApiError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(resource: string, name: string, why: string): ApiError {
  const what = name === '' ? resource : `${resource} "${name}"`;
  return failure(403, 'Forbidden', `${what} is forbidden: ${why}`, objectDetails(resource, name));
}

/** A Forbidden whose whole message an admission plugin wrote (`pods "x" is forbidden: violates PodSecurity ...`). */
export function forbiddenMessage(message: string): ApiError {
  return failure(403, 'Forbidden', message);
}

export function methodNotSupported(resource: string, verb: string): ApiError {
  return failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${resource}"`, {
    kind: resource,
  });
}

export function expired(message: string): ApiError {
  return failure(410, 'Expired', message);
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
  );
}

export function notAcceptable(accepted: readonly string[]): ApiError {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function requestTooLarge(limit: number): ApiError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

export function internalError(err: unknown): ApiError {
  const message = err instanceof Error ? err.message : String(err);
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** The Status of any error: API errors as they are, the store's mapped as kube maps etcd's, the rest 500. */
export function statusOf(err: unknown): Status & { code: number } {
  if (err instanceof ApiError) return err.status;
  if (err instanceof InvalidContinueError || err instanceof InvalidResourceVersionError)
    return badRequest(err.message).status;
  if (err instanceof TooOldResourceVersionError) return expired(err.message).status;
  // kube-apiserver passes etcd's error through as a 500 (kubernetes#112152); the request is at fault and
  // retrying cannot help, so podlet answers what the 3 MiB body limit answers, with etcd's text.
  if (err instanceof ObjectTooLargeError) return failure(413, 'RequestEntityTooLarge', err.message).status;
  if (err instanceof ExpiredContinueError) {
    const status = expired(err.message).status;
    return { ...status, metadata: { continue: err.continueToken } };
  }
  if (err instanceof ApplyConflictError) {
    return failure(409, 'Conflict', err.message, { causes: err.causes.map((c) => ({ ...c })) }).status;
  }
  if (err instanceof PatchError) return failure(err.code, err.reason, err.message).status;
  if (err instanceof ManagedFieldsError) return badRequest(err.message).status;
  return internalError(err).status;
}

export function successStatus(code: number, details?: Status['details']): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    ...(details ? { details } : {}),
    code,
  };
}

/** StatusDetails of an object: kind is the plural resource, group only when there is one (omitempty). */
function objectDetails(resource: string, name: string): Status['details'] {
  const [plural = resource, ...rest] = resource.split('.');
  const group = rest.join('.');
  return { name, ...(group ? { group } : {}), kind: plural };
}
