import type { ProductListItem } from '@flowdose/domain/contract/query-api';
import Link from 'next/link';
import { formatMoney } from '@/lib/format';

// Until the blob store serves photos, each product shows a tile in its category's colour:
// one of the classes .tile-0 to .tile-6 (globals.css), not a style attribute, which the
// Content-Security-Policy (proxy.ts) would refuse.
const SHADES = 7;
function tileShade(category: string) {
  let hash = 0;
  for (const c of category) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash % SHADES;
}
const initials = (title: string) =>
  title
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');

export function ProductTile({ title, category }: { title: string; category: string }) {
  return (
    <div className={`tile tile-${tileShade(category)}`} aria-hidden="true">
      {initials(title)}
    </div>
  );
}

/** `heading`: the level that follows the page's outline (h2 under the page title, h3 under a section). */
export function ProductCard({ product, heading: Heading = 'h3' }: { product: ProductListItem; heading?: 'h2' | 'h3' }) {
  return (
    <li className="card">
      <Link href={`/products/${product.handle}`}>
        <ProductTile title={product.title} category={product.category} />
        <Heading className="name">{product.title}</Heading>
        <span className="price">{formatMoney(product.price)}</span>{' '}
        {!product.inStock && <span className="sold-out">Sold out</span>}
      </Link>
    </li>
  );
}
