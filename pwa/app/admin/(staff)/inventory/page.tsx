import type { Metadata } from 'next';
import { Suspense } from 'react';
import { InventoryList } from '@/components/admin/inventory-list';

export const metadata: Metadata = { title: 'Inventory' };

export default function InventoryPage() {
  return (
    <Suspense>
      <InventoryList />
    </Suspense>
  );
}
