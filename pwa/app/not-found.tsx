import Link from 'next/link';
import { ShopHeader } from '@/components/shop-header';

// An address nothing answers is met outside any section's layout: it brings the shop's bar.
export default function NotFound() {
  return (
    <>
      <ShopHeader />
      <main id="main" className="wrap">
        <h1>Not found</h1>
        <p>
          Nothing lives here. <Link href="/products">Browse the shop</Link>
        </p>
      </main>
    </>
  );
}
