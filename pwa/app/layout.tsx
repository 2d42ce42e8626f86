import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { CartBadge } from '@/components/cart-badge';
import { ServiceWorker } from '@/components/service-worker';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Flowdose Shop', template: '%s · Flowdose Shop' },
  description: 'Clothing, homeware and more, with a cart that keeps working offline.',
  applicationName: 'Flowdose Shop',
  appleWebApp: { capable: true, title: 'Flowdose', statusBarStyle: 'default' },
  icons: { icon: '/icons/icon-192.png', apple: '/icons/icon-192.png' },
};

export const viewport: Viewport = { themeColor: '#14532d', width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip" href="#main">
          Skip to content
        </a>
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
        <main id="main" className="wrap">
          {children}
        </main>
        <footer className="wrap foot">VAT for your country is added at checkout. Payments use test cards only.</footer>
        <ServiceWorker />
      </body>
    </html>
  );
}
