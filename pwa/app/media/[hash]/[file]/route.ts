import type { NextRequest } from 'next/server';
import { forward } from '@/lib/server/forward';

// Product answers name images by the query API's own paths (/media/<hash>/640.avif) unless
// MEDIA_PUBLIC_BASE_URL puts them elsewhere (a CDN): served here from the same paths, the
// pages' URLs work as given, on the shop's origin (its CSP's 'self', the worker's image cache).
// The query API's Cache-Control (a year, immutable), ETag and Content-Type come through.
async function media(request: NextRequest, { params }: { params: Promise<{ hash: string; file: string }> }) {
  const { hash, file } = await params;
  return forward(request, 'queries', ['media', hash, file], { authorization: null, body: undefined });
}

export const dynamic = 'force-dynamic';
export { media as GET };
