import type { Metadata } from 'next';
import { StockDetail } from '@/components/admin/stock-detail';

export const metadata: Metadata = { title: 'Stock' };

export default async function StockPage({ params }: { params: Promise<{ sku: string }> }) {
  const { sku } = await params;
  return <StockDetail sku={decodeURIComponent(sku)} />;
}
