import type { ReactNode } from 'react';
import { ServiceWorker } from '@/components/service-worker';
import { ShopHeader } from '@/components/shop-header';

// The shopper's pages. The back office (app/admin) has a layout of its own, so nothing of
// it is sent with these pages and nothing of these (the cart, the service worker) with it.
export default function ShopLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <ShopHeader />
      <main id="main" className="wrap">
        {children}
      </main>
      <footer className="wrap foot">VAT for your country is added at checkout. Payments use test cards only.</footer>
      <ServiceWorker />
    </>
  );
}
