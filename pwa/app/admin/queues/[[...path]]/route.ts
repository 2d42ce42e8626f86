import type { NextRequest } from 'next/server';
import { problem } from '@/lib/server/forward';
import { asStaff } from '@/lib/server/staff-request';

/**
 * The queue dashboard: bull-board, served by the query API at the same path (its page, its
 * scripts and its JSON), sent on as the signed-in staff member. proxy.ts already answers 404
 * to the signed-out and to roles that may not see it; a session the API refuses all the same
 * (revoked, or a role its cookie only claimed) gets the same 404, with its cookies ended.
 * GET only: the dashboard reads (the API refuses the rest too).
 */
async function queues(request: NextRequest, { params }: { params: Promise<{ path?: string[] }> }) {
  const { path = [] } = await params;
  const res = await asStaff(request, 'queries', ['admin', 'queues', ...path]);
  if (res.status !== 401 && res.status !== 403) return res;
  await res.arrayBuffer().catch(() => null);
  const hidden = problem(404, 'not-found', 'Not found');
  for (const cookie of res.headers.getSetCookie()) hidden.headers.append('set-cookie', cookie);
  return hidden;
}

export const dynamic = 'force-dynamic';
export { queues as GET };
