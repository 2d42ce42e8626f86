'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { ROLE_LABEL, StaffGate, useStaff } from '@/lib/admin/staff';

function Bar() {
  const { who, signOut } = useStaff();
  return (
    <header className="admin-top">
      <nav aria-label="Back office" className="admin-nav">
        <Link href="/admin" className="brand">
          Flowdose <span>back office</span>
        </Link>
        <Link href="/admin">Orders</Link>
        <span className="who">
          {who.email} <span className={`badge role-${who.role}`}>{ROLE_LABEL[who.role]}</span>
        </span>
        <button type="button" className="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </nav>
    </header>
  );
}

/** The signed-in staff member's frame: who they are, where they can go, and a way out. */
export function StaffFrame({ children }: { children: ReactNode }) {
  return (
    <StaffGate
      fallback={
        <main id="main" className="admin-main" aria-busy="true">
          <p className="muted">Checking your sign-in…</p>
        </main>
      }
    >
      <Bar />
      <main id="main" className="admin-main">
        {children}
      </main>
    </StaffGate>
  );
}
