import { type NextRequest, NextResponse } from 'next/server';
import { bodyOf, forward, problem } from './forward';
import {
  endStaffSession,
  keepStaffSession,
  readStaffSession,
  refreshStaffSession,
  type StaffSession,
  sameSiteMutation,
} from './staff-session';

/**
 * Sends a back-office request to an API as the signed-in staff member: the session's access
 * token, refreshed once when the API says it expired; the cookies' idle expiry slides on
 * every request, and a session the API no longer takes is ended here too.
 */
export async function asStaff(
  request: NextRequest,
  service: string,
  path: string[],
  method = request.method,
): Promise<Response> {
  if (!sameSiteMutation(request)) {
    return problem(
      403,
      'cross-site-request',
      'Refused',
      'A back-office change must come from the back office’s own pages.',
    );
  }
  const session = readStaffSession(request.cookies);
  if (!session) return problem(401, 'unauthorized', 'Signed out', 'Sign in to the back office.');
  const body = await bodyOf(request);
  const send = (s: StaffSession) =>
    forward(request, service, path, { authorization: `Bearer ${s.accessToken}`, body, method });

  let kept = session;
  let res = await send(session);
  if (res.status === 401) {
    const refresh = await refreshStaffSession(session.refreshToken);
    if (refresh.kind === 'refused') {
      const out = new NextResponse(res.body, res);
      endStaffSession(out);
      return out;
    }
    if (refresh.kind === 'refreshed') {
      kept = { ...session, ...refresh.tokens };
      res = await send(kept);
    }
  }
  const out = new NextResponse(res.body, res);
  keepStaffSession(out, kept);
  return out;
}
