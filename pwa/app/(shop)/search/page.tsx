import type { Metadata } from 'next';
import Link from 'next/link';
import { SearchBox } from '@/components/search-box';
import { Facet } from '@/components/search-facet';
import { Hits } from '@/components/search-hits';
import { titleCase } from '@/lib/format';
import { searchProducts } from '@/lib/server-api';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Search' };

const SORTS = {
  relevance: 'Best match',
  newest: 'Newest',
  price_asc: 'Price, low to high',
  price_desc: 'Price, high to low',
};
/** The facets shown as checkboxes, in this order; several ticked in one are any of them. */
const CHECKBOXES = [
  ['category', 'Category'],
  ['colour', 'Colour'],
  ['size', 'Size'],
] as const;

type Params = Record<string, string | string[] | undefined>;
const all = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());
const one = (value: string | string[] | undefined) => all(value)[0] ?? '';

/**
 * The search page: GET /search with the page's own query string, facets as checkboxes with
 * their counts (a plain GET form, so it works before any script and, for a search made
 * before, offline from the service worker's copy of the page).
 */
export default async function Search({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const query = new URLSearchParams({ limit: '24' });
  for (const [name, value] of Object.entries(params))
    for (const v of all(value)) {
      if (!v) continue;
      // The form asks for euros; the API takes cents.
      query.append(name, name.endsWith('Price') ? String(Math.round(Number(v) * 100)) : v);
    }
  const answer = await searchProducts(query);
  const q = one(params.q);
  const next = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    for (const v of all(value)) if (name !== 'cursor') next.append(name, v);
  if (answer?.nextCursor) next.set('cursor', answer.nextCursor);

  return (
    <>
      <h1>{q ? `Search: ${q}` : 'Search'}</h1>
      <SearchBox initial={q} />
      <div className="search-page">
        <form className="facets" method="get" action="/search" aria-label="Filters">
          {q && <input type="hidden" name="q" value={q} />}
          <label>
            Sort
            <select name="sort" defaultValue={one(params.sort) || 'relevance'}>
              {Object.entries(SORTS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          {CHECKBOXES.map(([name, legend]) => (
            <Facet
              key={name}
              name={name}
              legend={legend}
              counts={answer?.facets[name] ?? {}}
              ticked={all(params[name])}
              label={name === 'category' ? titleCase : (v) => v}
            />
          ))}
          <fieldset>
            <legend>Availability</legend>
            <label className="check">
              <input type="checkbox" name="inStock" value="true" defaultChecked={one(params.inStock) === 'true'} />
              In stock only <span className="count">({answer?.facets.inStock.true ?? 0})</span>
            </label>
          </fieldset>
          <fieldset>
            <legend>Price (€)</legend>
            <label>
              From
              <input
                name="minPrice"
                type="number"
                min="0"
                step="1"
                inputMode="numeric"
                defaultValue={one(params.minPrice)}
              />
            </label>
            <label>
              To
              <input
                name="maxPrice"
                type="number"
                min="0"
                step="1"
                inputMode="numeric"
                defaultValue={one(params.maxPrice)}
              />
            </label>
          </fieldset>
          <button type="submit">Apply</button>
        </form>
        <section aria-label="Results">
          {!answer && <p className="notice">These filters could not be applied; check the prices.</p>}
          {answer && answer.hits.length === 0 && <p>Nothing matches; try other words or fewer filters.</p>}
          {answer && <Hits hits={answer.hits} />}
          <nav className="pager" aria-label="Pages">
            {params.cursor && <Link href={`/search?q=${encodeURIComponent(q)}`}>First page</Link>}
            {answer?.nextCursor && <Link href={`/search?${next}`}>Next page</Link>}
          </nav>
        </section>
      </div>
    </>
  );
}
