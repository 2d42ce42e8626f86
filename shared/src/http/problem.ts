import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  ConcurrencyError,
  DomainError,
  type FieldError,
  ForbiddenError,
  IdempotencyInProgressError,
  IdempotencyMismatchError,
  NotFoundError,
  PositionNotReachedError,
  ProcessIncompleteError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from '../errors.ts';
import type { Logger } from '../logger.ts';
import { isUnavailable } from '../unavailable.ts';

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  requestId?: string;
};

const problem = (status: number, code: string, title: string, detail: string, errors?: FieldError[]): Problem => ({
  type: `/problems/${code}`,
  title,
  status,
  detail,
  ...(errors ? { errors } : {}),
});

// express.json() reports its failures with these `type`s; the rest are ours.
const bodyParserProblem = (error: { type?: string; message?: string }): Problem | null => {
  switch (error.type) {
    case 'entity.parse.failed':
      return problem(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return problem(413, 'payload-too-large', 'Payload too large', 'The request body is larger than allowed.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem(415, 'unsupported-encoding', 'Unsupported encoding', 'Send the body as UTF-8 JSON.');
    default:
      return null;
  }
};

export function toProblem(error: unknown): Problem | null {
  if (error instanceof ValidationError)
    return problem(400, 'validation-error', 'Invalid request', error.message, error.errors);
  if (error instanceof UnauthorizedError)
    return problem(401, 'unauthorized', 'Unauthorized', error.message || 'Authentication is required.');
  if (error instanceof ForbiddenError)
    return problem(403, 'forbidden', 'Forbidden', error.message || 'Your role does not allow this.');
  if (error instanceof NotFoundError) return problem(404, 'not-found', 'Not found', error.message);
  if (error instanceof DomainError) return problem(error.status, error.code, 'Request refused', error.message);
  if (error instanceof ConcurrencyError)
    return problem(
      409,
      'concurrency-conflict',
      'Concurrent change',
      'The resource kept changing while this request was applied; retry it.',
    );
  if (error instanceof IdempotencyInProgressError)
    return problem(
      409,
      'idempotency-key-in-use',
      'Request in progress',
      'A request with this Idempotency-Key is still running; retry later.',
    );
  if (error instanceof IdempotencyMismatchError)
    return problem(
      422,
      'idempotency-key-reused',
      'Idempotency-Key reused',
      'This Idempotency-Key was used with another request.',
    );
  if (error instanceof TooManyRequestsError)
    return problem(429, 'too-many-requests', 'Too many requests', error.message);
  if (error instanceof PositionNotReachedError)
    return problem(503, 'position-not-reached', 'Not caught up yet', error.message);
  if (error instanceof ProcessIncompleteError)
    return problem(503, 'process-incomplete', 'Still under way', error.message);
  if (isUnavailable(error))
    return problem(
      503,
      'service-unavailable',
      'Service unavailable',
      'A service this one depends on is unavailable for a moment; retry shortly.',
    );
  if (error && typeof error === 'object') return bodyParserProblem(error as { type?: string });
  return null;
}

/** The one place errors become HTTP answers: application/problem+json, never a stack trace. */
export const problemHandler =
  (logger: Logger): ErrorRequestHandler =>
  (error, req, res, _next) => {
    const requestId = String(req.id ?? '');
    const known = toProblem(error);
    const body =
      known ??
      problem(500, 'internal-error', 'Internal error', 'Something went wrong on our side; it has been logged.');
    if (!known) logger.error({ err: error, requestId }, 'unhandled error');
    if (body.type === '/problems/service-unavailable') logger.warn({ err: error, requestId }, 'dependency unavailable');
    if (body.status === 503) res.set('Retry-After', body.type === '/problems/service-unavailable' ? '2' : '1');
    if (error instanceof TooManyRequestsError) res.set('Retry-After', String(error.retryAfterSeconds));
    res
      .status(body.status)
      .type('application/problem+json')
      .json({ ...body, requestId });
  };

export const notFoundRoute: RequestHandler = (req) => {
  throw new NotFoundError(`Route ${req.method} ${req.path}`);
};
