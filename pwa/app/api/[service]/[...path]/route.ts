import type { NextRequest } from 'next/server';

// The browser talks to one origin; this forwards /api/commands/* and /api/queries/* to the
// two APIs, so no CORS is needed and the APIs' addresses can change without a rebuild.
const UPSTREAM: Record<string, string | undefined> = {
  commands: process.env.COMMAND_API_URL ?? 'http://127.0.0.1:4001',
  queries: process.env.QUERY_API_URL ?? 'http://127.0.0.1:4002',
};
const REQUEST_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'idempotency-key',
  'if-none-match',
  'x-cart-token',
  'x-min-position',
  'x-request-id',
  'x-correlation-id',
];
const RESPONSE_HEADERS = [
  'cache-control',
  'content-type',
  'etag',
  'idempotent-replayed',
  'retry-after',
  'x-request-id',
];

async function forward(request: NextRequest, { params }: { params: Promise<{ service: string; path: string[] }> }) {
  const { service, path } = await params;
  const base = UPSTREAM[service];
  if (!base) return Response.json({ type: '/problems/not-found', title: 'Not found', status: 404 }, { status: 404 });
  const target = new URL(`${path.map(encodeURIComponent).join('/')}${request.nextUrl.search}`, `${base}/`);
  const headers = new Headers();
  for (const name of REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  // The APIs rate-limit per client: they must see the shopper's address, not this server's.
  const client = request.headers.get('x-forwarded-for') ?? request.headers.get('x-real-ip');
  if (client) headers.set('x-forwarded-for', client);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      cache: 'no-store',
      redirect: 'manual',
    });
  } catch {
    return Response.json(
      {
        type: '/problems/upstream-unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: `${service} API is down`,
      },
      { status: 503, headers: { 'content-type': 'application/problem+json', 'retry-after': '1' } },
    );
  }
  const out = new Headers();
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) out.set(name, value);
  }
  return new Response(upstream.status === 204 || upstream.status === 304 ? null : upstream.body, {
    status: upstream.status,
    headers: out,
  });
}

export const dynamic = 'force-dynamic';
export { forward as DELETE, forward as GET, forward as PATCH, forward as POST, forward as PUT };
