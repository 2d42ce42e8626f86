import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StaffLogin } from '@/components/admin/staff-login';

export const metadata: Metadata = { title: 'Sign in' };

export default function StaffLoginPage() {
  return (
    <main id="main" className="admin-main admin-login">
      <h1>
        Flowdose <span className="muted">back office</span>
      </h1>
      <Suspense>
        <StaffLogin />
      </Suspense>
    </main>
  );
}
