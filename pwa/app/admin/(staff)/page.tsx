import type { Metadata } from 'next';
import { RecentOrders } from '@/components/admin/recent-orders';

export const metadata: Metadata = { title: 'Orders' };

export default function AdminHome() {
  return <RecentOrders />;
}
