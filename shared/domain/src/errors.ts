// What the domain refuses with. Only a code: which HTTP status a code answers is the HTTP
// layer's business (shared/src/http/problem.ts), so the storefront folds with the same errors.

/** A business rule refused the command; `code` becomes the problem type. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} was not found.`);
    this.name = 'NotFoundError';
  }
}
