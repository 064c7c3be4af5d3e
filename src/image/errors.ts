/**
 * An image reference that does not parse. The message is the parser's own (distribution/reference), for example
 * `invalid reference format`, so the kubelet can build `couldn't parse image name "x": <message>` from it.
 */
export class InvalidImageNameError extends Error {
  constructor(
    readonly reference: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidImageNameError';
  }
}

export class ImageInUseError extends Error {
  constructor(
    readonly reference: string,
    readonly imageId: string,
    readonly user: string,
  ) {
    super(`image "${reference}" (${imageId.slice(7, 19)}) is in use by ${user}`);
    this.name = 'ImageInUseError';
  }
}

export class ImageNotFoundError extends Error {
  constructor(readonly reference: string) {
    super(`image "${reference}" not found`);
    this.name = 'ImageNotFoundError';
  }
}

/** A short image ID that is the prefix of more than one image's ID. */
export class AmbiguousImageReferenceError extends Error {
  constructor(
    readonly reference: string,
    readonly candidates: readonly string[],
  ) {
    super(`image ID prefix "${reference}" matches ${candidates.length} images`);
    this.name = 'AmbiguousImageReferenceError';
  }
}

/** Content whose digest or size is not the one it was announced with; nothing was stored under the expected digest. */
export class ContentVerificationError extends Error {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${what}: expected ${expected}, got ${actual}`);
    this.name = 'ContentVerificationError';
  }
}

/** A manifest, index or config that is not valid JSON of the expected shape, or refers to content it cannot. */
export class MalformedImageError extends Error {
  constructor(
    readonly what: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${what}: ${reason}`, options);
    this.name = 'MalformedImageError';
  }
}

/** A layer tar entry that is refused (it escapes the layer root, writes through a symlink, ...) or cannot be applied. */
export class LayerEntryError extends Error {
  constructor(
    readonly entry: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`layer entry "${entry}": ${reason}`, options);
    this.name = 'LayerEntryError';
  }
}

/** Unpacking one layer failed; the layer is not stored. */
export class LayerUnpackError extends Error {
  constructor(
    readonly layerDigest: string,
    options: { cause: unknown },
  ) {
    super(`unpacking layer ${layerDigest}: ${messageOf(options.cause)}`, options);
    this.name = 'LayerUnpackError';
  }
}

export class ImageArchiveError extends Error {
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`importing ${file}: ${reason}`, options);
    this.name = 'ImageArchiveError';
  }
}

/** A program the image store needs is not installed; names the Debian package that provides it. */
export class MissingProgramError extends Error {
  constructor(
    readonly program: string,
    readonly debianPackage: string,
    options?: { cause?: unknown },
  ) {
    super(`${program} is not installed (Debian package "${debianPackage}")`, options);
    this.name = 'MissingProgramError';
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
