import type { Metadata } from 'next';
import { CustomerView } from '@/components/admin/customers-view';

export const metadata: Metadata = { title: 'Customer' };

export default async function CustomerPage({ params }: { params: Promise<{ customerId: string }> }) {
  const { customerId } = await params;
  return <CustomerView customerId={customerId} />;
}
