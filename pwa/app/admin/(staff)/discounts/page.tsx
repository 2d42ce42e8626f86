import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DiscountsView } from '@/components/admin/discounts-view';

export const metadata: Metadata = { title: 'Discounts' };

export default function DiscountsPage() {
  return (
    <Suspense>
      <DiscountsView />
    </Suspense>
  );
}
