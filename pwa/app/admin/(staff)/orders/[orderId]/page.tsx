import type { Metadata } from 'next';
import { OrderAudit } from '@/components/admin/order-audit';

export const metadata: Metadata = { title: 'Order audit' };

export default async function OrderAuditPage({ params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  return <OrderAudit orderId={orderId} />;
}
