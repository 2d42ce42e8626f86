import type { NextRequest } from 'next/server';
import { asStaff } from '@/lib/server/staff-request';

// The back office's way to the APIs: /admin/api/{commands,queries}/*, authenticated by the
// staff session's cookies (sent only to /admin paths), never by a header page script sets.
async function staffForward(
  request: NextRequest,
  { params }: { params: Promise<{ service: string; path: string[] }> },
) {
  const { service, path } = await params;
  return asStaff(request, service, path);
}

export const dynamic = 'force-dynamic';
export {
  staffForward as DELETE,
  staffForward as GET,
  staffForward as PATCH,
  staffForward as POST,
  staffForward as PUT,
};
