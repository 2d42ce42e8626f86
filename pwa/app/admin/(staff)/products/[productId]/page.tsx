import type { Metadata } from 'next';
import { ProductEditor } from '@/components/admin/product-editor';

export const metadata: Metadata = { title: 'Product' };

export default async function ProductPage({ params }: { params: Promise<{ productId: string }> }) {
  const { productId } = await params;
  return <ProductEditor productId={productId} />;
}
