import { type NextRequest, NextResponse } from 'next/server';
import { bodyOf, forward, problem, requestIdOf } from './forward';
import {
  dueForRenewal,
  endStaffSession,
  keepStaffSession,
  readStaffSession,
  refreshStaffSession,
  rotatedFrom,
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
  // One id for the request sent again after a refresh too: both are the same staff action.
  const requestId = requestIdOf(request);
  const send = (s: StaffSession) =>
    forward(request, service, path, { authorization: `Bearer ${s.accessToken}`, body, method, requestId });

  // Cookies another request has already rotated (this one left before their answer came
  // back) are brought up to date, or they would put a spent token back in the browser.
  let kept: StaffSession = session;
  for (let newer = rotatedFrom(kept.refreshToken); newer; newer = rotatedFrom(kept.refreshToken)) {
    kept = { ...kept, ...newer };
  }
  // Renewed ahead of expiry while staff work, so the API's idle bound follows their requests.
  if (dueForRenewal(kept)) {
    const renewal = await refreshStaffSession(kept.refreshToken, requestId);
    if (renewal.kind === 'refreshed') kept = { ...kept, ...renewal.tokens };
  }
  let res = await send(kept);
  if (res.status === 401) {
    const refresh = await refreshStaffSession(kept.refreshToken, requestId);
    if (refresh.kind === 'refused') {
      const out = new NextResponse(res.body, res);
      endStaffSession(out);
      return out;
    }
    await res.arrayBuffer().catch(() => null); // the 401's small body, read so its connection is free
    if (refresh.kind === 'unavailable') {
      // Not a sign-out: the command API cannot be asked right now.
      return problem(503, 'upstream-unavailable', 'Service unavailable', 'Sign-in cannot be renewed right now.', {
        'retry-after': '1',
      });
    }
    kept = { ...kept, ...refresh.tokens };
    res = await send(kept);
  }
  const out = new NextResponse(res.body, res);
  keepStaffSession(out, kept);
  return out;
}
