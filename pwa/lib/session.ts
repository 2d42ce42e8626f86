import { getMeta, META, type Session, setMeta } from './store';

export const readSession = () => getMeta<Session>(META.session);
export const saveSession = (session: Session | undefined) => setMeta(META.session, session);

let refreshing: Promise<Session | undefined> | null = null;

/** Trades the refresh token for new tokens; one refresh at a time, since each rotates the token. */
export function refreshSession(): Promise<Session | undefined> {
  refreshing ??= (async () => {
    const session = await readSession();
    if (!session) return undefined;
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
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
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
  const renewed = await refreshSession();
  return renewed ? send(renewed) : res;
}
