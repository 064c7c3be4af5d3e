// The errors of protobuf decoding; src/apiserver/protobuf.ts re-exports them for http-io.ts.

export class ProtobufDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtobufDecodeError';
  }
}

/** A well-formed envelope holding a kind podlet cannot decode: the caller answers 415 UnsupportedMediaType. */
export class UnsupportedProtobufKindError extends ProtobufDecodeError {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`no protobuf decoder for ${kind} in ${apiVersion || 'an empty apiVersion'}`);
    this.name = 'UnsupportedProtobufKindError';
  }
}
