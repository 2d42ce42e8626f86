'use client';

import { useRouter } from 'next/navigation';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import type { StaffRole, StaffWho } from './roles';

export type { StaffRole, StaffWho };

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
// The page asked for, filters included: sign-in comes back to it.
const here = () => window.location.pathname + window.location.search;

/**
 * Renders its children only for a signed-in staff member; anyone else is sent to sign in
 * and comes back to the page they asked for.
 */
export function StaffGate({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const router = useRouter();
  const [who, setWho] = useState<StaffWho | null>(null);

  const [down, setDown] = useState(false);
  useEffect(() => {
    let live = true;
    fetch('/admin/session', { cache: 'no-store' }).then(
      async (res) => {
        if (!live) return;
        if (res.ok) setWho((await res.json()) as StaffWho);
        else router.replace(signInPath(here()));
      },
      () => live && setDown(true),
    );
    return () => {
      live = false;
    };
  }, [router]);

  const call = useCallback(
    async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      for (const [name, value] of Object.entries(STAFF_HEADERS)) headers.set(name, value);
      const res = await fetch(`/admin/api${path}`, { ...init, headers, cache: 'no-store' });
      // Still 401 after the forwarder's refresh: the session ended (idle, revoked, signed out elsewhere).
      if (res.status === 401) router.replace(signInPath(here()));
      return res;
    },
    [router],
  );

  const signOut = useCallback(async () => {
    await fetch('/admin/session', { method: 'DELETE', headers: STAFF_HEADERS }).catch(() => null);
    router.replace('/admin/login');
  }, [router]);

  if (down) {
    return (
      <p role="alert" className="error">
        The back office cannot be reached: check the network and reload.
      </p>
    );
  }
  if (!who) return <>{fallback}</>;
  return <StaffContext.Provider value={{ who, call, signOut }}>{children}</StaffContext.Provider>;
}
