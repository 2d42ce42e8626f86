import type { NextRequest, NextResponse } from 'next/server';
import type { StaffWho } from '../admin/roles';
import { serverEnv } from '../env';
import { UPSTREAM } from './forward';

/**
 * A staff member's session lives only in cookies page script cannot read (httpOnly), that
 * are sent only to the back office's own paths (`/admin`: its pages, its session route and
 * its forwarder) and only from this site's own pages (SameSite=Strict). The forwarder turns
 * them into the Authorization header; the browser never holds a staff token.
 */
export const STAFF_PATH = '/admin';
const ACCESS = 'fd_staff_access';
const REFRESH = 'fd_staff_refresh';
const EMAIL = 'fd_staff_email';

/**
 * Idle bound: the cookies expire this long after the last request through the back office,
 * and the command API lets a staff refresh token live no longer (the same variable), so a
 * session left alone ends even for whoever kept a copy of the cookies.
 */
const IDLE_SECONDS = 60 * serverEnv.STAFF_IDLE_MINUTES;

/**
 * An access token older than this is renewed on the next request: the API's idle bound
 * counts from the last refresh, so renewing while staff work makes it count from their
 * last request (give or take this long).
 */
const RENEW_AFTER_SECONDS = 5 * 60;

/** Whether the session's access token is old enough to renew before it is used again. */
export function dueForRenewal(session: StaffSession, now = Date.now()): boolean {
  const issued = claimsOf(session.accessToken)?.iat;
  return typeof issued === 'number' && now / 1000 - issued > RENEW_AFTER_SECONDS;
}

/** A mutation must carry this header: a cross-site form or a plain link cannot add one. */
export const CSRF_HEADER = 'x-flowdose-staff';

export type StaffTokens = { accessToken: string; refreshToken: string };
export type StaffSession = StaffTokens & { email: string };

type CookieJar = { get: (name: string) => { value: string } | undefined };

/** The session from a request's cookies (a route's `request.cookies`, a page's `cookies()`). */
export function readStaffSession(cookies: CookieJar): StaffSession | null {
  const accessToken = cookies.get(ACCESS)?.value;
  const refreshToken = cookies.get(REFRESH)?.value;
  const email = cookies.get(EMAIL)?.value ?? '';
  return accessToken && refreshToken ? { accessToken, refreshToken, email } : null;
}

/** Sets (or slides the idle expiry of) the session's cookies. */
export function keepStaffSession(response: NextResponse, session: StaffSession) {
  const options = {
    httpOnly: true,
    secure: true,
    sameSite: 'strict' as const,
    path: STAFF_PATH,
    maxAge: IDLE_SECONDS,
  };
  response.cookies.set(ACCESS, session.accessToken, options);
  response.cookies.set(REFRESH, session.refreshToken, options);
  response.cookies.set(EMAIL, session.email, options);
}

export function endStaffSession(response: NextResponse) {
  for (const name of [ACCESS, REFRESH, EMAIL]) {
    response.cookies.set(name, '', { httpOnly: true, secure: true, sameSite: 'strict', path: STAFF_PATH, maxAge: 0 });
  }
}

/**
 * Who a token names, for the page to show (not trusted for anything: the APIs verify every
 * token they are sent). Null for anything but a staff token.
 */
const claimsOf = (token: string): { sub?: unknown; role?: unknown; iat?: unknown } | null => {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return null;
  }
};

export function whoIs(session: StaffSession): StaffWho | null {
  const payload = claimsOf(session.accessToken) ?? {};
  const role = payload.role;
  if (typeof payload.sub !== 'string' || (role !== 'admin' && role !== 'ops' && role !== 'analyst')) return null;
  return { userId: payload.sub, email: session.email, role };
}

/**
 * A request that may act with the session's cookies: it names this site as its origin
 * (browsers send Origin on every POST, PUT, PATCH and DELETE) and carries the CSRF header.
 */
export function sameSiteMutation(request: NextRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  if (request.headers.get(CSRF_HEADER) !== '1') return false;
  // Browsers send Origin with every such fetch. It must name the host the browser asked
  // for: a proxy in front says which in X-Forwarded-Host (nextUrl names where this listens).
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    return origin !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}

// Refreshes by the spent refresh token: a refresh token works once (a second use revokes
// the session), and a page sends several requests at once, each with the same cookie. The
// first one refreshes; the others, arriving while it runs or later with the old cookie
// still in their hands (a slow request answered after the refresh), get its tokens instead
// of spending the old one again. An answer is kept as long as the cookie it replaces could
// live (the idle time), then let go: the maps hold at most that long's refreshes. One
// server process: behind several, a request that lands on another process spends the old
// token again and the session ends (safe: the staff member signs in again); that is the
// price of keeping no shared state here.
export type Refresh = { kind: 'refreshed'; tokens: StaffTokens } | { kind: 'refused' } | { kind: 'unavailable' };
const refreshes = new Map<string, Promise<Refresh>>();
const rotated = new Map<string, StaffTokens>();

/** The tokens that replaced a spent refresh token, when this process did the refresh. */
export const rotatedFrom = (refreshToken: string) => rotated.get(refreshToken);

export function refreshStaffSession(refreshToken: string, requestId?: string): Promise<Refresh> {
  const running = refreshes.get(refreshToken);
  if (running) return running;
  const refreshed = (async (): Promise<Refresh> => {
    try {
      const res = await fetch(`${UPSTREAM.commands}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
        body: JSON.stringify({ refreshToken }),
        cache: 'no-store',
      });
      if (res.ok) return { kind: 'refreshed', tokens: (await res.json()) as StaffTokens };
      return res.status === 401 ? { kind: 'refused' } : { kind: 'unavailable' };
    } catch {
      return { kind: 'unavailable' };
    }
  })();
  refreshes.set(refreshToken, refreshed);
  // An answer the API gave is kept; a failure to reach it is not (the token is unspent).
  void refreshed.then((r) => {
    if (r.kind === 'unavailable') {
      refreshes.delete(refreshToken);
      return;
    }
    if (r.kind === 'refreshed') rotated.set(refreshToken, r.tokens);
    setTimeout(() => {
      refreshes.delete(refreshToken);
      rotated.delete(refreshToken);
    }, IDLE_SECONDS * 1000).unref();
  });
  return refreshed;
}
