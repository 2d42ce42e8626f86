import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Offline' };

export default function Offline() {
  return (
    <>
      <h1>You are offline</h1>
      <p>
        This page was not saved on this device yet. Pages you have opened before still work, and so does your cart:
        changes are sent when the connection returns.
      </p>
      <p>
        <Link href="/cart">Go to your cart</Link>
      </p>
    </>
  );
}
