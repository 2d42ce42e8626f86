'use client';

import { usePathname, useRouter } from 'next/navigation';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { staffSession } from '../session';
import type { StaffRole, StaffSession } from '../store';

/** What a staff member's role may see: the server checks it again on every request. */
export const ROLE_LABEL: Record<StaffRole, string> = { admin: 'Admin', ops: 'Operations', analyst: 'Analyst' };

/** The role and user id an access token carries (shown, not trusted: the API verifies it). */
export function claimsOf(accessToken: string): { userId: string; role: StaffRole } | null {
  try {
    const payload = JSON.parse(atob(accessToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
      sub?: string;
      role?: string;
    };
    const role = payload.role;
    if (!payload.sub || (role !== 'admin' && role !== 'ops' && role !== 'analyst')) return null;
    return { userId: payload.sub, role };
  } catch {
    return null;
  }
}

type StaffState = {
  session: StaffSession;
  /** GET (or send) through /api as the signed-in staff member; a lost session goes back to sign-in. */
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
  const [session, setSession] = useState<StaffSession | null | undefined>(undefined);

  useEffect(() => {
    void staffSession.read().then((s) => {
      setSession(s ?? null);
      if (!s) router.replace(signInPath(pathname));
    });
  }, [router, pathname]);

  const call = useCallback(
    async (path: string, init?: RequestInit) => {
      const res = await staffSession.fetchAs(path, init);
      // Still 401 after a refresh: the session ended (expired, revoked, signed out elsewhere).
      if (res.status === 401) {
        await staffSession.save(undefined);
        router.replace(signInPath(pathname));
      }
      return res;
    },
    [router, pathname],
  );

  const signOut = useCallback(async () => {
    await staffSession.fetchAs('/api/commands/auth/logout', { method: 'POST' }).catch(() => null);
    await staffSession.save(undefined);
    router.replace('/admin/login');
  }, [router]);

  if (!session) return <>{fallback}</>;
  return <StaffContext.Provider value={{ session, call, signOut }}>{children}</StaffContext.Provider>;
}
