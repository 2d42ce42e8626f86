import type { ReactNode } from 'react';
import { StaffFrame } from '@/components/admin/staff-frame';

// Every back-office page but the sign-in: only for a signed-in staff member.
export default function StaffLayout({ children }: { children: ReactNode }) {
  return <StaffFrame>{children}</StaffFrame>;
}
