import type { Metadata } from 'next';
import { OrderWorkspace } from '@/components/admin/order-workspace';

export const metadata: Metadata = { title: 'Order' };

export default async function OrderPage({ params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  return <OrderWorkspace orderId={orderId} />;
}
