import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Flowdose Shop', template: '%s · Flowdose Shop' },
  description: 'Clothing, homeware and more, with a cart that keeps working offline.',
  applicationName: 'Flowdose Shop',
  appleWebApp: { capable: true, title: 'Flowdose', statusBarStyle: 'default' },
  icons: { icon: '/icons/icon-192.png', apple: '/icons/icon-192.png' },
};

export const viewport: Viewport = { themeColor: '#14532d', width: 'device-width', initialScale: 1 };

// What every page shares; the shop, app/(shop), and the back office, app/admin, each add
// their own header and frame.
export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: its scripts carry that request's nonce (proxy.ts), which
  // a page built ahead of time could not know.
  await connection();
  return (
    <html lang="en">
      <body>
        <a className="skip" href="#main">
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
