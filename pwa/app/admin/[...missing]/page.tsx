import { notFound } from 'next/navigation';

// Any address under /admin that no page has, and a section the signed-in role may not see
// (proxy.ts sends it here): the back office's own not-found page.
export default function Missing() {
  notFound();
}
