import type { Metadata } from 'next';
import Link from 'next/link';
import { ProductCard } from '@/components/product-card';
import { SearchBox } from '@/components/search-box';
import { titleCase } from '@/lib/format';
import { listCategories, listProducts } from '@/lib/server-api';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Shop' };

const SORTS = { newest: 'Newest', title: 'Name', price_asc: 'Price, low to high', price_desc: 'Price, high to low' };
const PASSED = ['category', 'q', 'sort', 'minPrice', 'maxPrice', 'inStock', 'cursor'] as const;

export default async function Catalog({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const query = new URLSearchParams({ limit: '24' });
  for (const name of PASSED) {
    const value = params[name];
    if (!value) continue;
    // The form asks for euros; the API takes cents.
    query.set(name, name.endsWith('Price') ? String(Math.round(Number(value) * 100)) : value);
  }
  const [categories, page] = await Promise.all([listCategories(), listProducts(query).catch(() => null)]);
  const next = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1]));
  if (page?.nextCursor) next.set('cursor', page.nextCursor);
  return (
    <>
      <h1>{params.category ? titleCase(params.category) : 'All products'}</h1>
      <SearchBox initial={params.q ?? ''} />
      <form className="filters" method="get" action="/products">
        <label>
          Category
          <select name="category" defaultValue={params.category ?? ''}>
            <option value="">All</option>
            {categories.map((c) => (
              <option key={c.category} value={c.category}>
                {titleCase(c.category)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort
          <select name="sort" defaultValue={params.sort ?? 'newest'}>
            {Object.entries(SORTS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Min €
          <input name="minPrice" type="number" min="0" step="1" inputMode="numeric" defaultValue={params.minPrice} />
        </label>
        <label>
          Max €
          <input name="maxPrice" type="number" min="0" step="1" inputMode="numeric" defaultValue={params.maxPrice} />
        </label>
        <label>
          Availability
          <select name="inStock" defaultValue={params.inStock ?? ''}>
            <option value="">Everything</option>
            <option value="true">In stock only</option>
          </select>
        </label>
        {params.q && <input type="hidden" name="q" value={params.q} />}
        <button type="submit">Apply</button>
      </form>
      {!page && <p className="notice">These filters could not be applied; check the prices.</p>}
      {page && page.items.length === 0 && <p>Nothing matches; try fewer filters.</p>}
      {page && (
        <ul className="grid">
          {page.items.map((p, i) => (
            <ProductCard key={p.productId} product={p} heading="h2" position={i} />
          ))}
        </ul>
      )}
      <nav className="pager" aria-label="Pages">
        {params.cursor && <Link href="/products">First page</Link>}
        {page?.nextCursor && <Link href={`/products?${next}`}>Next page</Link>}
      </nav>
    </>
  );
}
