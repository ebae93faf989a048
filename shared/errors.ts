/**
 * The closed set of error kinds every layer of layerbox speaks. Each carries a `kind`
 * so it survives a hop over a worker message or a WebSocket: send `{kind, message}`
 * and rebuild with `errorFromWire`.
 */
export type ErrorKind =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidArgument'
  | 'FailedPrecondition'
  | 'Unavailable'
  | 'DataLoss'
  | 'ResourceExhausted'
  | 'Cancelled'
  | 'Internal';

export class LayerboxError extends Error {
  readonly kind: ErrorKind = 'Internal';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A named thing (image, container, blob, ref, path) does not exist. */
export class NotFoundError extends LayerboxError {
  override readonly kind = 'NotFound' as const;
}
/** Something with that name or digest exists already. */
export class AlreadyExistsError extends LayerboxError {
  override readonly kind = 'AlreadyExists' as const;
}
/** Input from outside is malformed: a Dockerfile, an archive, an argument. */
export class InvalidArgumentError extends LayerboxError {
  override readonly kind = 'InvalidArgument' as const;
}
/** The request is well-formed but the current state forbids it (image in use, ...). */
export class FailedPreconditionError extends LayerboxError {
  override readonly kind = 'FailedPrecondition' as const;
}
/** A resource is temporarily out of reach (network, a lock held too long). */
export class UnavailableError extends LayerboxError {
  override readonly kind = 'Unavailable' as const;
}
/** Stored or received bytes are not what their digest or size says. */
export class DataLossError extends LayerboxError {
  override readonly kind = 'DataLoss' as const;
}
/** A configured limit was hit: archive size, compression ratio, memory. */
export class ResourceExhaustedError extends LayerboxError {
  override readonly kind = 'ResourceExhausted' as const;
}
/** The operation was cancelled by its caller. */
export class CancelledError extends LayerboxError {
  override readonly kind = 'Cancelled' as const;
}

/** A digest did not match: carries what was wanted and what was got. */
export class DigestMismatchError extends DataLossError {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${what}: digest mismatch: expected ${expected}, got ${actual}`);
  }
}

const constructors: Record<ErrorKind, new (message: string) => LayerboxError> = {
  NotFound: NotFoundError,
  AlreadyExists: AlreadyExistsError,
  InvalidArgument: InvalidArgumentError,
  FailedPrecondition: FailedPreconditionError,
  Unavailable: UnavailableError,
  DataLoss: DataLossError,
  ResourceExhausted: ResourceExhaustedError,
  Cancelled: CancelledError,
  Internal: LayerboxError,
};

export interface WireError {
  kind: ErrorKind;
  message: string;
}

export function errorToWire(err: unknown): WireError {
  if (err instanceof LayerboxError) return { kind: err.kind, message: err.message };
  return { kind: 'Internal', message: err instanceof Error ? err.message : String(err) };
}

export function errorFromWire(w: WireError): LayerboxError {
  const Ctor = constructors[w.kind] ?? LayerboxError;
  return new Ctor(w.message);
}

export function isKind(err: unknown, kind: ErrorKind): boolean {
  return err instanceof LayerboxError && err.kind === kind;
}
