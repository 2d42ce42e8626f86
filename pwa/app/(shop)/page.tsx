import Link from 'next/link';
import { ProductCard } from '@/components/product-card';
import { titleCase } from '@/lib/format';
import { listCategories, listProducts } from '@/lib/server-api';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const [categories, featured] = await Promise.all([
    listCategories(),
    listProducts(new URLSearchParams({ inStock: 'true', sort: 'newest', limit: '8' })),
  ]);
  return (
    <>
      <h1>Good things, sent quickly</h1>
      <section aria-labelledby="categories">
        <h2 id="categories">Categories</h2>
        <ul className="chips">
          {categories.map((c) => (
            <li key={c.category}>
              <Link href={`/products?category=${c.category}`}>
                {titleCase(c.category)} <span className="muted">({c.products})</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="featured">
        <h2 id="featured">New in</h2>
        <ul className="grid">
          {featured.items.map((p, i) => (
            <ProductCard key={p.productId} product={p} position={i} />
          ))}
        </ul>
        <p>
          <Link href="/products">See everything</Link>
        </p>
      </section>
    </>
  );
}
