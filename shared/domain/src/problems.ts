import type { RefusalCode } from './errors.ts';

/**
 * The problems the APIs answer besides refusals: a request that cannot be read, who may send
 * it, the machinery around a command (a key's request still running or reused, a resource
 * that kept changing) and the servers' own state. With `REFUSAL_CODES` they are every
 * `/problems/<code>` the APIs send (shared/src/http/problem.ts and client-error.ts), named
 * in the domain so the storefront can compare a problem's type with a checked name.
 */
export const REQUEST_PROBLEMS = [
  'validation-error',
  'bad-request',
  'malformed-json',
  'malformed-encoding',
  'malformed-path',
  'unsupported-encoding',
  'unsupported-media-type',
  'payload-too-large',
  'headers-too-large',
  'request-timeout',
  'range-not-satisfiable',
  'unauthorized',
  'forbidden',
  'not-found',
  'concurrency-conflict',
  'idempotency-key-in-use',
  'idempotency-key-reused',
  'too-many-requests',
  'position-not-reached',
  'process-incomplete',
  'service-unavailable',
  'internal-error',
] as const;
export type RequestProblem = (typeof REQUEST_PROBLEMS)[number];

export type ProblemCode = RefusalCode | RequestProblem;
export type ProblemType = `/problems/${ProblemCode}`;

/** The `type` of a problem document (RFC 9457) the APIs answer for `code`. */
export const problemType = <C extends ProblemCode>(code: C): `/problems/${C}` => `/problems/${code}`;
