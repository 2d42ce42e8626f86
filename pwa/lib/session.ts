import { getMeta, META, type Session, type StaffSession, setMeta } from './store';

type Tokens = { accessToken: string; refreshToken: string };

/**
 * A signed-in session kept in IndexedDB under `key` (not localStorage: the service worker
 * reads it too): the shopper's and the staff member's are two of these, side by side.
 */
function sessionKeeper<S extends Tokens>(key: string) {
  const read = () => getMeta<S>(key);
  const save = (session: S | undefined) => setMeta(key, session);

  /**
   * Trades the refresh token for new tokens. Each token works once (a second use revokes
   * the whole session), and the pages and the service worker may all want a refresh at the
   * same time: they take turns under a Web Lock, and whoever finds the token already changed
   * by another uses the new one instead of spending the old one again.
   */
  async function refresh(spent: S): Promise<S | undefined> {
    return await navigator.locks.request(`flowdose-refresh-${key}`, async (): Promise<S | undefined> => {
      const session = await read();
      if (!session) return undefined;
      if (session.refreshToken !== spent.refreshToken) return session;
      const res = await fetch('/api/commands/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
      if (!res.ok) {
        // A refused refresh means signed out (expired, or revoked elsewhere).
        if (res.status === 401) await save(undefined);
        return undefined;
      }
      const tokens = (await res.json()) as Tokens;
      const next = { ...session, ...tokens };
      await save(next);
      return next;
    });
  }

  /** fetch with the session's access token when signed in, refreshed once on a 401. */
  async function fetchAs(path: string, init: RequestInit = {}): Promise<Response> {
    const send = (session: S | undefined) => {
      const headers = new Headers(init.headers);
      if (session) headers.set('Authorization', `Bearer ${session.accessToken}`);
      return fetch(path, { ...init, headers });
    };
    const session = await read();
    const res = await send(session);
    if (res.status !== 401 || !session) return res;
    const renewed = await refresh(session);
    return renewed ? send(renewed) : res;
  }

  return { read, save, fetchAs };
}

const customer = sessionKeeper<Session>(META.session);
export const readSession = customer.read;
export const saveSession = customer.save;
/** fetch as the signed-in shopper (works in pages and in the service worker). */
export const fetchAs = customer.fetchAs;

/** The back office's staff session: a separate sign-in from any shopper's on the same browser. */
export const staffSession = sessionKeeper<StaffSession>(META.staffSession);
