import { type NextRequest, NextResponse } from 'next/server';
import { FORWARDED_SECTIONS, maySee, sectionOf } from './lib/admin/roles';
import { serverEnv } from './lib/env';
import { DEVELOPMENT_BUILD } from './lib/public-env';
import { readStaffSession, whoIs } from './lib/server/staff-session';

// Images a CDN serves (MEDIA_PUBLIC_BASE_URL as a URL; a path is this origin's own).
const MEDIA_ORIGIN = (() => {
  try {
    return ` ${new URL(serverEnv.MEDIA_PUBLIC_BASE_URL ?? '').origin}`;
  } catch {
    return '';
  }
})();

/**
 * The policy of every page: scripts run only with this response's nonce (and what those
 * scripts load, 'strict-dynamic'); no eval (but under `next dev`), no inline event handlers, no
 * `javascript:` URLs.
 * 'self' in script-src is only for browsers without 'strict-dynamic', which ignore it otherwise.
 * Styles are the app's own files (no style attributes: components use classes); the nonce
 * covers any inline style Next itself writes.
 */
const policy = (nonce: string) =>
  [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${DEVELOPMENT_BUILD ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    `img-src 'self' data: blob:${MEDIA_ORIGIN}`,
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * The queue dashboard's policy (bull-board, forwarded from the query API): its page is not
 * rendered by Next, so it carries no nonce. Its scripts are files of this origin (script-src
 * 'self': still no inline script and no eval), its loading screen and components style
 * inline ('unsafe-inline' for styles only, which run no code), and its <base> names this
 * origin's /admin/queues/. The Google font it links is refused: staff browsers are sent to
 * no third party, and it falls back to the system's fonts.
 */
const QUEUES_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * A fresh nonce per page. Next reads it from the request's Content-Security-Policy header and
 * puts it on its own scripts, so every page renders per request (app/layout.tsx). A page the
 * service worker keeps is kept with its header, so the nonce it serves offline still matches.
 */
export function proxy(request: NextRequest) {
  const section = request.nextUrl.pathname.startsWith('/admin') ? sectionOf(request.nextUrl.pathname) : undefined;
  const forwarded = section !== undefined && FORWARDED_SECTIONS.includes(section.label);
  // A back-office section the signed-in role may not see answers 404, as if it did not
  // exist (the section's layout renders the not-found page; this gives it its status). A
  // forwarded section has no sign-in form of its own: signed out, it is not there either.
  const session = section ? readStaffSession(request.cookies) : null;
  const who = session && whoIs(session);
  const hidden = section && (who ? !maySee(who.role, section.label) : forwarded);
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  // The not-found page is Next's own, with its nonce.
  const csp = forwarded && !hidden ? QUEUES_POLICY : policy(nonce);
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', csp);
  const response = hidden
    ? NextResponse.rewrite(new URL('/admin/not-for-this-role', request.url), { request: { headers }, status: 404 })
    : NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: not the API forwarders and the staff session route (JSON), the images,
      // Next's built files, the service worker's scripts, the icons or the manifest.
      source:
        '/((?!api/|admin/api/|admin/session|media/|_next/static|_next/image|sw\\.js|swe-worker-|icons/|manifest\\.webmanifest|favicon\\.ico).*)',
      // A prefetch fetches data for a later navigation, not a document a policy would apply to.
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
