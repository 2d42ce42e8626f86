import Link from 'next/link';
import { CartBadge } from '@/components/cart-badge';

/** The shopper's bar at the top of every shop page (and of the page for an unknown address). */
export function ShopHeader() {
  return (
    <header className="top">
      <nav aria-label="Main" className="wrap nav">
        <Link href="/" className="brand">
          Flowdose
        </Link>
        <Link href="/products">Shop</Link>
        <Link href="/account">Account</Link>
        <CartBadge />
      </nav>
    </header>
  );
}
