import { getMeta, META, type Session, setMeta } from './store';

export const readSession = () => getMeta<Session>(META.session);
export const saveSession = (session: Session | undefined) => setMeta(META.session, session);

/**
 * Trades the refresh token for new tokens. Each token works once (a second use revokes the
 * whole session), and the pages and the service worker may all want a refresh at the same
 * time: they take turns under a Web Lock, and whoever finds the token already changed by
 * another uses the new one instead of spending the old one again.
 */
async function refreshSession(spent: Session): Promise<Session | undefined> {
  return await navigator.locks.request('flowdose-refresh', async (): Promise<Session | undefined> => {
    const session = await readSession();
    if (!session) return undefined;
    if (session.refreshToken !== spent.refreshToken) return session;
    const res = await fetch('/api/commands/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: session.refreshToken }),
    });
    if (!res.ok) {
      // A refused refresh means signed out (expired, or revoked elsewhere).
      if (res.status === 401) await saveSession(undefined);
      return undefined;
    }
    const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
    const next = { ...session, ...tokens };
    await saveSession(next);
    return next;
  });
}

/**
 * fetch with the customer's access token when signed in, refreshed once on a 401. Works in
 * pages and in the service worker (the session lives in IndexedDB, not localStorage).
 */
export async function fetchAs(path: string, init: RequestInit = {}): Promise<Response> {
  const send = (session: Session | undefined) => {
    const headers = new Headers(init.headers);
    if (session) headers.set('Authorization', `Bearer ${session.accessToken}`);
    return fetch(path, { ...init, headers });
  };
  const session = await readSession();
  const res = await send(session);
  if (res.status !== 401 || !session) return res;
  const renewed = await refreshSession(session);
  return renewed ? send(renewed) : res;
}
