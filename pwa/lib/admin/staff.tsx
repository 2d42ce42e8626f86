'use client';

import { usePathname, useRouter } from 'next/navigation';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';

export type StaffRole = 'admin' | 'ops' | 'analyst';
/** Who is signed in, as the session route says: the page never sees a token. */
export type StaffWho = { userId: string; email: string; role: StaffRole };

export const ROLE_LABEL: Record<StaffRole, string> = { admin: 'Admin', ops: 'Operations', analyst: 'Analyst' };

/** The header every back-office request carries: the forwarder refuses a change without it (CSRF). */
export const STAFF_HEADERS = { 'x-flowdose-staff': '1' };

type StaffState = {
  who: StaffWho;
  /**
   * Calls an API as the signed-in staff member through the back office's forwarder:
   * `call('/queries/admin/orders')` reaches the query API's `/admin/orders`. A lost session
   * goes back to sign-in.
   */
  call: (path: string, init?: RequestInit) => Promise<Response>;
  signOut: () => Promise<void>;
};

const StaffContext = createContext<StaffState | null>(null);

export function useStaff(): StaffState {
  const staff = useContext(StaffContext);
  if (!staff) throw new Error('useStaff outside <StaffGate>');
  return staff;
}

const signInPath = (from: string) => `/admin/login?next=${encodeURIComponent(from)}`;

/**
 * Renders its children only for a signed-in staff member; anyone else is sent to sign in
 * and comes back to the page they asked for.
 */
export function StaffGate({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const [who, setWho] = useState<StaffWho | null>(null);

  useEffect(() => {
    let live = true;
    void fetch('/admin/session', { cache: 'no-store' }).then(async (res) => {
      if (!live) return;
      if (res.ok) setWho((await res.json()) as StaffWho);
      else router.replace(signInPath(pathname));
    });
    return () => {
      live = false;
    };
  }, [router, pathname]);

  const call = useCallback(
    async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      for (const [name, value] of Object.entries(STAFF_HEADERS)) headers.set(name, value);
      const res = await fetch(`/admin/api${path}`, { ...init, headers, cache: 'no-store' });
      // Still 401 after the forwarder's refresh: the session ended (idle, revoked, signed out elsewhere).
      if (res.status === 401) router.replace(signInPath(pathname));
      return res;
    },
    [router, pathname],
  );

  const signOut = useCallback(async () => {
    await fetch('/admin/session', { method: 'DELETE', headers: STAFF_HEADERS }).catch(() => null);
    router.replace('/admin/login');
  }, [router]);

  if (!who) return <>{fallback}</>;
  return <StaffContext.Provider value={{ who, call, signOut }}>{children}</StaffContext.Provider>;
}
