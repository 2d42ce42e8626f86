import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './admin.css';

export const metadata: Metadata = {
  title: { default: 'Back office', template: '%s · Flowdose back office' },
  // Staff pages are nobody's search result.
  robots: { index: false, follow: false },
};

// The back office: its own frame and styles, sent only with its pages (the shop's pages
// load nothing of it, and it loads nothing of the shop's cart or service worker).
export default function AdminLayout({ children }: { children: ReactNode }) {
  return <div className="admin">{children}</div>;
}
