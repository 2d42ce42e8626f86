import type { NextRequest } from 'next/server';
import { serverEnv } from '../env';

/** The two APIs a browser's request may be forwarded to, by the name in its path. */
export const UPSTREAM: Record<string, string | undefined> = {
  commands: serverEnv.COMMAND_API_URL,
  queries: serverEnv.QUERY_API_URL,
};
const REQUEST_HEADERS = [
  'accept',
  'content-type',
  'idempotency-key',
  'if-none-match',
  'last-event-id',
  'x-cart-token',
  'x-min-position',
  'x-correlation-id',
];
const RESPONSE_HEADERS = [
  'cache-control',
  'content-type',
  'etag',
  'idempotent-replayed',
  'retry-after',
  'x-accel-buffering',
  'x-request-id',
];

export const problem = (status: number, type: string, title: string, detail?: string, headers: HeadersInit = {}) =>
  Response.json(
    { type: `/problems/${type}`, title, status, ...(detail ? { detail } : {}) },
    { status, headers: { 'content-type': 'application/problem+json', ...headers } },
  );

// The APIs' own rule (shared/src/http/context.ts): an id they would not take is replaced here.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of the user action this request is part of: the browser's X-Request-Id, or a new one.
 * Every API call made for the request sends it, so the storefront's and the APIs' log lines and
 * the events' correlation id name the same action.
 */
export const requestIdOf = (request: NextRequest): string => {
  const given = request.headers.get('x-request-id');
  return given && SAFE_ID.test(given) ? given : crypto.randomUUID();
};

/** The request's body, read once: a request sent again (after a token refresh) sends the same bytes. */
export const bodyOf = async (request: NextRequest) =>
  request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();

/**
 * Sends a browser's request on to one of the APIs: the headers the APIs read, the shopper's
 * address (the APIs rate-limit per client, not per this server), and the Authorization the
 * caller decides (the shopper's own header, or a staff session's cookie turned into one).
 */
export async function forward(
  request: NextRequest,
  service: string,
  path: string[],
  {
    authorization,
    body,
    method = request.method,
    requestId = requestIdOf(request),
  }: { authorization: string | null; body: ArrayBuffer | undefined; method?: string; requestId?: string },
): Promise<Response> {
  const base = UPSTREAM[service];
  if (!base) return problem(404, 'not-found', 'Not found', undefined, { 'x-request-id': requestId });
  const target = new URL(`${path.map(encodeURIComponent).join('/')}${request.nextUrl.search}`, `${base}/`);
  const headers = new Headers();
  for (const name of REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set('x-request-id', requestId);
  if (authorization) headers.set('authorization', authorization);
  const client = request.headers.get('x-forwarded-for') ?? request.headers.get('x-real-ip');
  if (client) headers.set('x-forwarded-for', client);
  let upstream: Response;
  try {
    // The browser's signal: a live stream's upstream connection closes when the browser goes.
    upstream = await fetch(target, {
      method,
      headers,
      body,
      cache: 'no-store',
      redirect: 'manual',
      signal: request.signal,
    });
  } catch {
    return problem(503, 'upstream-unavailable', 'Service unavailable', `${service} API is down`, {
      'retry-after': '1',
      'x-request-id': requestId,
    });
  }
  const out = new Headers();
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) out.set(name, value);
  }
  // The body streams through as it arrives (an event stream is never buffered here); its
  // Cache-Control no-transform keeps Next's compression from holding it back.
  return new Response(upstream.status === 204 || upstream.status === 304 ? null : upstream.body, {
    status: upstream.status,
    headers: out,
  });
}
