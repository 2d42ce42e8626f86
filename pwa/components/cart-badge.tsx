'use client';
import Link from 'next/link';
import { useCart } from '@/lib/use-cart';

export function CartBadge() {
  const { lines } = useCart();
  const count = lines.reduce((n, l) => n + l.quantity, 0);
  return (
    <Link href="/cart" className="cart-link" aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}>
      Cart <span className="badge">{count}</span>
    </Link>
  );
}
