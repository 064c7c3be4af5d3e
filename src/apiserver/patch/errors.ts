// The errors the patch code raises, carrying what the API server needs to build its Status (it owns the HTTP
// side). The code for each failure follows apiserver pkg/endpoints/handlers/patch.go.

export type PatchErrorCode = 400 | 422;

/**
 * A patch document that cannot be applied: 400 BadRequest when malformed, 422 Invalid when it does not fit the
 * object. The strategic merge patch errors upstream does not classify (interpretStrategicMergePatchError's
 * default) reach its clients as a 500; they are the patch's fault all the same, and podlet never answers 5xx
 * for bad input (issue 10), so they are 400s here.
 */
export class PatchError extends Error {
  readonly code: PatchErrorCode;
  readonly reason: 'BadRequest' | 'Invalid';

  constructor(message: string, code: PatchErrorCode = 400, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PatchError';
    this.code = code;
    this.reason = code === 400 ? 'BadRequest' : 'Invalid';
  }
}

/** One field that another manager owns (a Status cause). */
export interface ConflictCause {
  reason: 'FieldManagerConflict';
  /** `conflict with "kubectl-client-side-apply" using v1` */
  message: string;
  /** `.spec.containers[name="c"].image` */
  field: string;
}

/** A server-side apply that would change fields other managers own: 409 Conflict (errors.NewApplyConflict). */
export class ApplyConflictError extends Error {
  readonly code = 409;
  readonly reason = 'Conflict';
  readonly causes: readonly ConflictCause[];

  constructor(message: string, causes: readonly ConflictCause[]) {
    super(message);
    this.name = 'ApplyConflictError';
    this.causes = causes;
  }
}

/** managedFields that cannot be decoded (a client sent a broken entry): 400 BadRequest upstream. */
export class ManagedFieldsError extends Error {
  readonly code = 400;
  readonly reason = 'BadRequest';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ManagedFieldsError';
  }
}
