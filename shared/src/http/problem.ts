import { DomainError, NotFoundError, type RefusalCode } from '@flowdose/domain/errors';
import { type ProblemCode, type ProblemType, problemType } from '@flowdose/domain/problems';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import {
  ConcurrencyError,
  type FieldError,
  ForbiddenError,
  IdempotencyInProgressError,
  IdempotencyMismatchError,
  PayloadTooLargeError,
  PositionNotReachedError,
  ProcessIncompleteError,
  RangeNotSatisfiableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.ts';
import type { Logger } from '../logger.ts';
import { isUnavailable } from '../unavailable.ts';

export type Problem = {
  type: ProblemType;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  requestId?: string;
};

const problem = (status: number, code: ProblemCode, title: string, detail: string, errors?: FieldError[]): Problem => ({
  type: problemType(code),
  title,
  status,
  detail,
  ...(errors ? { errors } : {}),
});

// express.json() (body-parser, raw-body) reports its failures with these `type`s; the rest are ours.
const bodyParserProblem = (error: { type?: unknown }): Problem | null => {
  switch (error.type) {
    case 'entity.parse.failed':
      return problem(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return problem(413, 'payload-too-large', 'Payload too large', 'The request body is larger than allowed.');
    case 'encoding.unsupported':
      return problem(
        415,
        'unsupported-encoding',
        'Unsupported encoding',
        'Send the body uncompressed or with Content-Encoding gzip, deflate or br.',
      );
    case 'charset.unsupported':
      return problem(415, 'unsupported-encoding', 'Unsupported encoding', 'Send the body as UTF-8 JSON.');
    case 'request.size.invalid':
      return problem(400, 'bad-request', 'Bad request', 'The body is not as long as its Content-Length says.');
    default:
      return null;
  }
};

type HttpErrorShape = { status?: unknown; expose?: unknown; errno?: unknown; code?: unknown };

/**
 * Errors raised before a route runs that carry their own status: a body whose bytes are not
 * what its Content-Encoding says (zlib's error, passed on by body-parser with status 400 and
 * no `type`), and any other 4xx that http-errors marks safe to show (`expose`).
 */
const requestProblem = (error: HttpErrorShape): Problem | null => {
  if (typeof error.status !== 'number' || error.status < 400 || error.status > 499) return null;
  if (typeof error.errno === 'number' && typeof error.code === 'string' && /^(Z_|ZSTD_|ERR_)/.test(error.code))
    return problem(
      400,
      'malformed-encoding',
      'Malformed body',
      'The request body could not be decompressed as its Content-Encoding says.',
    );
  if (error.expose === true)
    return problem(error.status, 'bad-request', 'Bad request', 'The request could not be read.');
  return null;
};

// A refusal answers 409 unless its code has a status of its own. The domain's errors carry
// only their code: statuses are this layer's.
const REFUSAL_STATUS: Partial<Record<RefusalCode, number>> = {
  'payment-declined': 402,
  'payment-provider-refused': 502,
  // Requests that can never be right, whatever the state: unprocessable rather than a conflict.
  'discount-window-empty': 422,
  'option-values': 422,
  'image-repeated': 422,
  'image-not-uploaded': 422,
  'image-unreadable': 422,
  'image-too-large': 422,
};

export function toProblem(error: unknown): Problem | null {
  if (error instanceof ValidationError)
    return problem(400, 'validation-error', 'Invalid request', error.message, error.errors);
  if (error instanceof UnauthorizedError)
    return problem(401, 'unauthorized', 'Unauthorized', error.message || 'Authentication is required.');
  if (error instanceof ForbiddenError)
    return problem(403, 'forbidden', 'Forbidden', error.message || 'Your role does not allow this.');
  if (error instanceof NotFoundError) return problem(404, 'not-found', 'Not found', error.message);
  if (error instanceof UnsupportedMediaTypeError)
    return problem(415, 'unsupported-media-type', 'Unsupported media type', error.message);
  if (error instanceof PayloadTooLargeError)
    return problem(413, 'payload-too-large', 'Payload too large', error.message);
  if (error instanceof RangeNotSatisfiableError)
    return problem(416, 'range-not-satisfiable', 'Range not satisfiable', error.message);
  if (error instanceof DomainError)
    return problem(REFUSAL_STATUS[error.code] ?? 409, error.code, 'Request refused', error.message);
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
  // The router's decoding of a path parameter: `%ZZ`, a lone `%`, a cut-off UTF-8 sequence.
  if (error instanceof URIError && (error as { status?: unknown }).status === 400)
    return problem(400, 'malformed-path', 'Malformed path', 'The path has a malformed %-escape.');
  if (error && typeof error === 'object') return bodyParserProblem(error) ?? requestProblem(error);
  return null;
}

const internal = () =>
  problem(500, 'internal-error', 'Internal error', 'Something went wrong on our side; it has been logged.');

/**
 * Answers an error as application/problem+json: the problem middleware's answer, and the one
 * for an error found after a route answered (an Idempotency-Key's answer that could not be
 * stored). Never a stack, a file path or the error's own message for what is not ours.
 */
export function sendProblem(req: Request, res: Response, error: unknown, logger: Logger): void {
  const requestId = String(req.id ?? '');
  const known = toProblem(error);
  const body = known ?? internal();
  if (!known) logger.error({ err: error, requestId }, 'unhandled error');
  const unavailable = body.type === problemType('service-unavailable');
  if (unavailable) logger.warn({ err: error, requestId }, 'dependency unavailable');
  // Part of an answer is out already: all that is left is to cut it short, so the client
  // sees a broken answer and not a whole wrong one.
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  try {
    if (body.status === 503) res.set('Retry-After', unavailable ? '2' : '1');
    if (error instanceof TooManyRequestsError) res.set('Retry-After', String(error.retryAfterSeconds));
    if (error instanceof RangeNotSatisfiableError) res.set('Content-Range', `bytes */${error.size}`);
    res
      .status(body.status)
      .type('application/problem+json')
      .json({ ...body, requestId });
  } catch (failure) {
    // Answering failed (a header the route set that cannot be sent, say): a fixed answer,
    // written without anything else that could fail, so express's HTML page never shows.
    logger.error({ err: failure, requestId }, 'could not answer a problem');
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    const fallback = JSON.stringify({ ...internal(), requestId });
    res.writeHead(500, { 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(fallback) });
    res.end(fallback);
  }
}

/**
 * The one place errors become HTTP answers: application/problem+json, never a stack trace.
 * It is the last middleware of both apps, so express's own HTML error page is never reached.
 */
export const problemHandler =
  (logger: Logger): ErrorRequestHandler =>
  (error, req, res, _next) =>
    sendProblem(req, res, error, logger);

export const notFoundRoute: RequestHandler = (req) => {
  throw new NotFoundError(`Route ${req.method} ${req.path}`);
};
