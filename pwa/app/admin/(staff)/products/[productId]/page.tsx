import type { Metadata } from 'next';
import { ProductEditor } from '@/components/admin/product-editor';

export const metadata: Metadata = { title: 'Product' };

// `position`: the creation's answer, so the page waits for the read model to have the product.
export default async function ProductPage({
  params,
  searchParams,
}: {
  params: Promise<{ productId: string }>;
  searchParams: Promise<{ position?: string }>;
}) {
  const [{ productId }, { position }] = await Promise.all([params, searchParams]);
  return <ProductEditor productId={productId} minPosition={typeof position === 'string' ? position : null} />;
}
