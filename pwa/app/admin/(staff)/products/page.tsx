import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ProductsList } from '@/components/admin/products-list';

export const metadata: Metadata = { title: 'Catalog' };

export default function ProductsPage() {
  return (
    <Suspense>
      <ProductsList />
    </Suspense>
  );
}
