// Errors the store raises. Each carries the object's key (or the resource) so the API server can build the
// Status kube-apiserver would answer (404 NotFound, 409 AlreadyExists / Conflict, 410 Expired, 400 BadRequest);
// the texts are those of k8s.io/apiserver/pkg/storage where the user may read them.

export interface ObjectKey {
  readonly resource: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An error about one object; `key` says which (`name` is taken by Error). */
export abstract class ObjectError extends StoreError {
  constructor(
    readonly key: ObjectKey,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends ObjectError {
  constructor(key: ObjectKey) {
    super(key, `${describe(key)} not found`);
  }
}

export class AlreadyExistsError extends ObjectError {
  constructor(key: ObjectKey) {
    super(key, `${describe(key)} already exists`);
  }
}

/** A failed precondition: stale resourceVersion on update or delete, or another uid on delete. */
export class ConflictError extends ObjectError {}

/** A watch from a resourceVersion whose later events the watch cache no longer holds (410 Expired). */
export class TooOldResourceVersionError extends StoreError {
  constructor(
    readonly resource: string,
    readonly requested: number,
    /** The oldest resourceVersion a watch of this resource may start from now. */
    readonly oldest: number,
  ) {
    // k8s.io/apiserver/pkg/storage/cacher/watch_cache_history.go
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

/**
 * A continue token whose list resourceVersion is older than the store can vouch for (410 Expired). Upstream
 * (storage/etcd3/errors.go) puts `continueToken` into the Status's metadata.continue: it resumes the same list
 * from the current state.
 */
export class ExpiredContinueError extends StoreError {
  constructor(
    readonly resource: string,
    readonly continueToken: string,
  ) {
    super(
      'The provided continue parameter is too old to display a consistent list result. You can start a new ' +
        'list without the continue parameter, or use the continue token in this response to retrieve the ' +
        'remainder of the results. Continuing with the provided token results in an inconsistent list - ' +
        'objects that were created, modified, or deleted between the time the first chunk was returned and ' +
        'now may show up in the list.',
    );
  }
}

/** A continue token that does not decode (400 BadRequest; texts of k8s.io/apiserver/pkg/storage/continue.go). */
export class InvalidContinueError extends StoreError {}

/** A resourceVersion that is not a decimal integer (400 BadRequest). */
export class InvalidResourceVersionError extends StoreError {
  constructor(readonly resourceVersion: string) {
    super(`invalid resource version: ${JSON.stringify(resourceVersion)}`);
  }
}

/**
 * An object whose stored form is larger than etcd's default request limit (--max-request-bytes, 1.5 MiB): kube
 * refuses such a write with etcd's own text (rpctypes.ErrRequestTooLarge), whatever the request body's size.
 */
export class ObjectTooLargeError extends ObjectError {
  constructor(
    key: ObjectKey,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(key, 'etcdserver: request is too large');
  }
}

/** The database could not be opened, read or written; `cause` is SQLite's error. */
export class StorageError extends StoreError {}

function describe(key: ObjectKey): string {
  const where = key.namespace === '' ? '' : ` in namespace "${key.namespace}"`;
  return `${key.resource} "${key.name}"${where}`;
}
