import { type NextRequest, NextResponse } from 'next/server';
import { forward, problem } from '@/lib/server/forward';
import { asStaff } from '@/lib/server/staff-request';
import {
  endStaffSession,
  keepStaffSession,
  readStaffSession,
  sameSiteMutation,
  whoIs,
} from '@/lib/server/staff-session';

// The staff session: POST signs in (the tokens go into httpOnly cookies, the page gets only
// who signed in), GET says who is signed in, DELETE signs out (the API revokes the session).

export async function POST(request: NextRequest) {
  if (!sameSiteMutation(request)) return problem(403, 'cross-site-request', 'Refused');
  const credentials = await request.arrayBuffer();
  const res = await forward(request, 'commands', ['admin', 'auth', 'login'], {
    authorization: null,
    body: credentials,
  });
  // A refusal (401, 429 with its Retry-After, 503) goes back as the API said it.
  if (!res.ok) return res;
  const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
  // The API took these credentials, so they parse; the email is kept to show who is signed in.
  const { email } = JSON.parse(new TextDecoder().decode(credentials)) as { email: string };
  const session = { ...tokens, email: email.trim().toLowerCase() };
  const who = whoIs(session);
  if (!who) return problem(502, 'bad-upstream', 'The command API answered a token that is not a staff token');
  const out = NextResponse.json(who, { headers: { 'cache-control': 'no-store' } });
  keepStaffSession(out, session);
  return out;
}

export async function GET(request: NextRequest) {
  const session = readStaffSession(request.cookies);
  const who = session && whoIs(session);
  if (!who) return problem(401, 'unauthorized', 'Signed out');
  return NextResponse.json(who, { headers: { 'cache-control': 'no-store' } });
}

export async function DELETE(request: NextRequest) {
  if (!sameSiteMutation(request)) return problem(403, 'cross-site-request', 'Refused');
  // Revoked at the API (refreshed first if the access token had expired), then forgotten here.
  if (readStaffSession(request.cookies))
    await asStaff(request, 'commands', ['auth', 'logout'], 'POST').catch(() => null);
  const out = new NextResponse(null, { status: 204 });
  endStaffSession(out);
  return out;
}

export const dynamic = 'force-dynamic';
