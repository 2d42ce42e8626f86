// The errors of the server around the domain (whose own, DomainError and NotFoundError, live in
// @flowdose/domain/errors); the problem middleware maps them all to HTTP, nothing else picks statuses.
export type FieldError = { path: string; message: string };

export class ValidationError extends Error {
  constructor(
    readonly errors: FieldError[],
    message = 'The request is not valid.',
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/** The stream moved on while we decided; `handle` retries, then surfaces this as 409. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: bigint,
  ) {
    super(`Stream ${streamId} is at version ${actual}, expected ${expected}.`);
    this.name = 'ConcurrencyError';
  }
}

export class IdempotencyMismatchError extends Error {
  override name = 'IdempotencyMismatchError';
}

/** The same Idempotency-Key is still being processed by another request. */
export class IdempotencyInProgressError extends Error {
  override name = 'IdempotencyInProgressError';
}

/** Too many attempts; the client may try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; try again in ${retryAfterSeconds} s.`);
    this.name = 'TooManyRequestsError';
  }
}

/** A read asked for a position its projection did not reach in time. */
export class PositionNotReachedError extends Error {
  constructor(
    readonly projection: string,
    readonly position: string,
  ) {
    super(`The ${projection} read model has not reached position ${position} yet.`);
    this.name = 'PositionNotReachedError';
  }
}

/**
 * A recorded process (a checkout, an order step) is not finished yet and cannot be answered
 * now; a retry with the same Idempotency-Key continues it. Never stored as the key's answer.
 */
export class ProcessIncompleteError extends Error {
  override name = 'ProcessIncompleteError';
}

/** A body whose kind the route does not take (415): not multipart, or a file that is not an image it takes. */
export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
}

/** A body larger than the route takes (413). */
export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

/** A byte range that starts past the end of what was asked for (416); `size` is the whole length. */
export class RangeNotSatisfiableError extends Error {
  override name = 'RangeNotSatisfiableError';
  constructor(readonly size: number) {
    super(`The range asked for starts past the end: the whole is ${size} bytes.`);
  }
}
