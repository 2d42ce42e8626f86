import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { misspell } from './misspell.ts';
import {
  PRICE_BANDS,
  priceBandOf,
  SEARCH_FACETS,
  SEARCH_SORTS,
  type SearchDocument,
  type SearchFacet,
  type SearchHit,
  type SearchIndex,
  type SearchQuery,
} from './port.ts';

export type SearchIndexFactory = () => Promise<{ index: SearchIndex; cleanup: () => Promise<void> }>;

type Filters = Omit<SearchQuery, 'q' | 'sort' | 'cursor' | 'limit'>;

/** Every hit of a query, page by page; fails on a hit seen twice. */
export async function searchAll(index: SearchIndex, query: Omit<SearchQuery, 'cursor'>): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const answer = await index.search({ ...query, ...(cursor ? { cursor } : {}) });
    hits.push(...answer.hits);
    if (!answer.nextCursor) break;
    expect(answer.hits).toHaveLength(query.limit);
    cursor = answer.nextCursor;
  }
  expect(new Set(hits.map((h) => h.productId)).size).toBe(hits.length);
  return hits;
}

/** What a document answers to a filter, as the port defines it (folded values, inclusive prices). */
function passes(doc: SearchDocument, f: Filters, facet: SearchFacet): boolean {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const price = doc.prices[f.currency];
  if (price === undefined) return false;
  switch (facet) {
    case 'category':
      return !f.categories?.length || f.categories.some((c) => same(c, doc.category));
    case 'colour':
      return !f.colours?.length || f.colours.some((c) => doc.colours.some((d) => same(c, d)));
    case 'size':
      return !f.sizes?.length || f.sizes.some((c) => doc.sizes.some((d) => same(c, d)));
    case 'inStock':
      return f.inStock === undefined || doc.inStock === f.inStock;
    case 'price':
      return price >= (f.minPrice ?? 0) && price <= (f.maxPrice ?? Number.MAX_SAFE_INTEGER);
  }
}
const passesAll = (doc: SearchDocument, f: Filters) => SEARCH_FACETS.every((facet) => passes(doc, f, facet));

/** The facet counts of a search over `docs` (all matching the text): each facet over every other filter. */
export function expectedFacets(docs: SearchDocument[], f: Filters): Record<SearchFacet, Record<string, number>> {
  const counts = Object.fromEntries(SEARCH_FACETS.map((facet) => [facet, {}])) as Record<
    SearchFacet,
    Record<string, number>
  >;
  const add = (facet: SearchFacet, value: string) => {
    counts[facet][value] = (counts[facet][value] ?? 0) + 1;
  };
  for (const doc of docs) {
    const price = doc.prices[f.currency];
    if (price === undefined) continue;
    const others = (facet: SearchFacet) => SEARCH_FACETS.every((o) => o === facet || passes(doc, f, o));
    if (others('category')) add('category', doc.category);
    if (others('colour')) for (const c of doc.colours) add('colour', c);
    if (others('size')) for (const s of doc.sizes) add('size', s);
    if (others('inStock')) add('inStock', String(doc.inStock));
    if (others('price')) add('price', priceBandOf(price));
  }
  return counts;
}

/**
 * The behaviour every SearchIndex adapter must show; search.test.ts runs it for each.
 * `documents` is the catalog to search (the demo catalog's): its titles repeat, so the typo
 * test picks products whose title no other product has.
 */
export function searchIndexContract(adapter: string, factory: SearchIndexFactory, documents: SearchDocument[]) {
  describe(`SearchIndex contract: ${adapter}`, () => {
    let index: SearchIndex;
    let cleanup: () => Promise<void>;
    const EUR = { currency: 'EUR' as const };

    beforeAll(async () => {
      ({ index, cleanup } = await factory());
      await index.upsert(documents);
    }, 120_000);
    afterAll(() => cleanup());

    it('finds 20 products by their titles with one letter dropped, swapped or doubled, in the top 5', async () => {
      const titles = new Map<string, number>();
      for (const d of documents) titles.set(d.title, (titles.get(d.title) ?? 0) + 1);
      // Titles with a word of six letters or more: slipped, it keeps at least five, from where
      // both engines forgive a typo (fewer letters and any match would be a guess).
      const unique = documents.filter(
        (d) => titles.get(d.title) === 1 && d.prices.EUR !== undefined && d.title.split(' ').some((w) => w.length >= 6),
      );
      expect(unique.length).toBeGreaterThanOrEqual(20);
      const step = Math.floor(unique.length / 20);
      const misses: string[] = [];
      for (let i = 0; i < 20; i++) {
        const doc = unique[i * step]!;
        const q = misspell(doc.title, i);
        expect(q).not.toBe(doc.title);
        const { hits } = await index.search({ ...EUR, q, sort: 'relevance', limit: 5 });
        if (!hits.some((h) => h.productId === doc.productId)) misses.push(`${q} (${doc.title})`);
      }
      expect(misses).toEqual([]);
    });

    it('finds hoodies for "hodie", marking the word in the title', async () => {
      const hoodies = documents.filter((d) => /hoodie/i.test(d.title) && d.prices.EUR !== undefined);
      expect(hoodies.length).toBeGreaterThan(3);
      const hits = await searchAll(index, { ...EUR, q: 'hodie', sort: 'relevance', limit: 50 });
      expect(hits.map((h) => h.productId)).toEqual(expect.arrayContaining(hoodies.map((h) => h.productId)));
      for (const hit of hits.slice(0, hoodies.length)) {
        expect(hit.title).toMatch(/Hoodie/);
        expect(hit.highlights.title).toContain('<mark>Hoodie</mark>');
      }
    });

    it('forgives a slip in a short word, but does not guess at four letters', async () => {
      const jackets = documents.filter((d) => /jacket/i.test(d.title) && d.prices.EUR !== undefined);
      const { hits } = await index.search({ ...EUR, q: 'jaket', sort: 'relevance', limit: jackets.length });
      expect(hits.map((h) => h.productId).sort()).toEqual(jackets.map((d) => d.productId).sort());
      const tents = await searchAll(index, { ...EUR, q: 'tent', sort: 'relevance', limit: 50 });
      expect(tents.length).toBeGreaterThan(0);
      for (const hit of tents) expect(hit.title).toMatch(/\bTent\b/);
    });

    it('finds a word as it is typed', async () => {
      const { hits } = await index.search({ ...EUR, q: 'backpa', sort: 'relevance', limit: 5 });
      expect(hits.length).toBeGreaterThan(0);
      for (const hit of hits) expect(hit.title).toMatch(/Backpack/);
    });

    it('counts each facet over the hits of the other filters, as computed from the documents', async () => {
      const filters: Filters = { ...EUR, colours: ['Navy', 'Olive'], inStock: true, minPrice: 1000, maxPrice: 12000 };
      const answer = await index.search({ ...filters, q: '', sort: 'relevance', limit: 10 });
      expect(answer.facets).toEqual(expectedFacets(documents, filters));
      // And with no filter at all: the whole catalog in the currency.
      const none = await index.search({ ...EUR, q: '', sort: 'relevance', limit: 1 });
      expect(none.facets).toEqual(expectedFacets(documents, EUR));
      expect(Object.keys(none.facets.price).every((band) => PRICE_BANDS.some((b) => b.name === band))).toBe(true);
    });

    it('counts the facets of a text search over what the text matched', async () => {
      const filters: Filters = { ...EUR, categories: ['apparel'], sizes: ['M'] };
      const matched = await searchAll(index, { ...EUR, q: 'cotton', sort: 'relevance', limit: 100 });
      const byId = new Map(documents.map((d) => [d.productId, d]));
      const answer = await index.search({ ...filters, q: 'cotton', sort: 'relevance', limit: 10 });
      expect(answer.facets).toEqual(
        expectedFacets(
          matched.map((h) => byId.get(h.productId)!),
          filters,
        ),
      );
    });

    it('combines filters: AND across filters, OR within one', async () => {
      const filters: Filters = {
        currency: 'USD',
        categories: ['apparel', 'footwear'],
        sizes: ['M', '42'],
        inStock: true,
        minPrice: 3000,
        maxPrice: 15000,
      };
      const hits = await searchAll(index, { ...filters, q: '', sort: 'price_asc', limit: 25 });
      const expected = documents.filter((d) => passesAll(d, filters)).map((d) => d.productId);
      expect(expected.length).toBeGreaterThan(10);
      expect(hits.map((h) => h.productId).sort()).toEqual(expected.sort());
      for (const hit of hits) {
        expect(['apparel', 'footwear']).toContain(hit.category);
        expect(hit.inStock).toBe(true);
        expect(hit.price.currency).toBe('USD');
        expect(hit.price.amount).toBeGreaterThanOrEqual(3000);
        expect(hit.price.amount).toBeLessThanOrEqual(15000);
      }
    });

    it('pages by cursor through every hit once, in each sort', async () => {
      const filters: Filters = { ...EUR, categories: ['home', 'kitchen'] };
      const expected = documents.filter((d) => passesAll(d, filters));
      for (const sort of SEARCH_SORTS) {
        const hits = await searchAll(index, { ...filters, q: '', sort, limit: 7 });
        expect(hits.map((h) => h.productId).sort()).toEqual(expected.map((d) => d.productId).sort());
        const prices = hits.map((h) => h.price.amount);
        if (sort === 'price_asc') expect(prices).toEqual([...prices].sort((a, b) => a - b));
        if (sort === 'price_desc') expect(prices).toEqual([...prices].sort((a, b) => b - a));
        if (sort === 'newest') {
          const created = hits.map((h) => documents.find((d) => d.productId === h.productId)!.createdAt);
          expect(created).toEqual([...created].sort((a, b) => b - a));
        }
      }
      // A text search's pages, ranked by relevance, hold what one large page holds.
      const paged = await searchAll(index, { ...EUR, q: 'linen', sort: 'relevance', limit: 4 });
      const whole = await index.search({ ...EUR, q: 'linen', sort: 'relevance', limit: 100 });
      expect(whole.nextCursor).toBeNull();
      expect(paged.map((h) => h.productId).sort()).toEqual(whole.hits.map((h) => h.productId).sort());
    });

    it('refuses a cursor it did not make, or one made for another sort', async () => {
      const first = await index.search({ ...EUR, q: '', sort: 'price_asc', limit: 2 });
      expect(first.nextCursor).toBeTruthy();
      await expect(
        index.search({ ...EUR, q: '', sort: 'newest', limit: 2, cursor: first.nextCursor! }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        index.search({ ...EUR, q: '', sort: 'price_asc', limit: 2, cursor: 'bm9wZQ' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('upserts by product id, ignores accents, escapes HTML in highlights, and removes', async () => {
      const base = documents[0]!;
      const doc: SearchDocument = {
        ...base,
        productId: 'ffffffff-0000-4000-8000-000000000001',
        handle: 'creme-bowl',
        title: 'Crème <b>"Zebra"</b> Bowl',
        prices: { EUR: 4200 },
      };
      await index.upsert([doc]);
      await index.upsert([doc]); // a replay writes the same document again
      const found = await index.search({ ...EUR, q: 'creme zebra', sort: 'relevance', limit: 5 });
      const hit = found.hits.filter((h) => h.productId === doc.productId);
      expect(hit).toHaveLength(1);
      expect(hit[0]!.highlights.title).toContain('<mark>Zebra</mark>');
      expect(hit[0]!.highlights.title).toContain('&lt;b&gt;');
      expect(hit[0]!.highlights.title).not.toContain('<b>');
      expect(hit[0]!.price).toEqual({ amount: 4200, currency: 'EUR' });

      await index.upsert([{ ...doc, title: 'Crème Quokka Bowl' }]);
      const renamed = await index.search({ ...EUR, q: 'quokka', sort: 'relevance', limit: 5 });
      expect(renamed.hits.map((h) => h.title)).toEqual(['Crème Quokka Bowl']);
      expect((await index.search({ ...EUR, q: 'zebra', sort: 'relevance', limit: 5 })).hits).toEqual([]);

      await index.remove([doc.productId]);
      expect((await index.search({ ...EUR, q: 'quokka', sort: 'relevance', limit: 5 })).hits).toEqual([]);
      // Not sold in USD: not found there.
      await index.upsert([{ ...doc, title: 'Crème Quokka Bowl' }]);
      expect((await index.search({ currency: 'USD', q: 'quokka', sort: 'relevance', limit: 5 })).hits).toEqual([]);
      await index.remove([doc.productId]);
    });
  });
}
