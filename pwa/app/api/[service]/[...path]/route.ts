import type { NextRequest } from 'next/server';
import { bodyOf, forward } from '@/lib/server/forward';

// The browser talks to one origin; this forwards /api/commands/* and /api/queries/* to the
// two APIs, so no CORS is needed. A shopper's token comes in their own Authorization header.
async function shopperForward(
  request: NextRequest,
  { params }: { params: Promise<{ service: string; path: string[] }> },
) {
  const { service, path } = await params;
  return forward(request, service, path, {
    authorization: request.headers.get('authorization'),
    body: await bodyOf(request),
  });
}

export const dynamic = 'force-dynamic';
export {
  shopperForward as DELETE,
  shopperForward as GET,
  shopperForward as PATCH,
  shopperForward as POST,
  shopperForward as PUT,
};
