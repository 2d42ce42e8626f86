'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { FORWARDED_SECTIONS, SECTIONS, sectionOf } from '@/lib/admin/roles';
import { ROLE_LABEL, StaffGate, useStaff } from '@/lib/admin/staff';

function Bar() {
  const { who, signOut } = useStaff();
  const pathname = usePathname();
  const current = sectionOf(pathname)?.href;
  return (
    <header className="admin-top">
      <nav aria-label="Back office" className="admin-nav">
        <Link href="/admin" className="brand">
          Flowdose <span>back office</span>
        </Link>
        {SECTIONS.filter((s) => (s.roles as readonly string[]).includes(who.role)).map((s) =>
          // Not a page of this app: a client-side navigation would ask it for React's payload.
          FORWARDED_SECTIONS.includes(s.label) ? (
            <a key={s.href} href={s.href}>
              {s.label}
            </a>
          ) : (
            <Link key={s.href} href={s.href} aria-current={s.href === current ? 'page' : undefined}>
              {s.label}
            </Link>
          ),
        )}
        {/* Who and the way out stay together, at the end of the bar or of its second line. */}
        <span className="account">
          <span className="who">
            {who.email} <span className={`badge role-${who.role}`}>{ROLE_LABEL[who.role]}</span>
          </span>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
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
