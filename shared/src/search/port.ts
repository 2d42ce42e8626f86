import { SEARCH_FACETS, SEARCH_SORTS } from '@flowdose/contract/search';
import type { Currency, Money } from '@flowdose/domain/money';
import type { ImageRef } from '@flowdose/domain/product/events';

/**
 * One published product as search sees it, built by the search projection from catalog and
 * inventory events. Prices are each currency's lowest variant price in minor units; a product
 * without a price in a currency is not found in that currency (it could not be bought there).
 */
export type SearchDocument = {
  productId: string;
  handle: string;
  title: string;
  description: string;
  category: string;
  prices: Partial<Record<Currency, number>>;
  colours: string[];
  sizes: string[];
  inStock: boolean;
  /** When the product was created, epoch milliseconds (the "newest" sort). */
  createdAt: number;
  cover: ImageRef | null;
};

// The HTTP contract's lists: GET /search takes and answers exactly these.
export { SEARCH_FACETS, SEARCH_SORTS };
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** The facets every answer counts, one per filter. */
export type SearchFacet = (typeof SEARCH_FACETS)[number];

/**
 * Price bands of the `price` facet, in minor units of the asked currency: [from, to). Fixed
 * rather than computed from the hits so a band's name means the same on every page and query.
 */
export const PRICE_BANDS = [
  { name: '0-2500', from: 0, to: 2500 },
  { name: '2500-5000', from: 2500, to: 5000 },
  { name: '5000-10000', from: 5000, to: 10000 },
  { name: '10000-', from: 10000, to: Number.POSITIVE_INFINITY },
] as const;

export const priceBandOf = (amount: number): string =>
  PRICE_BANDS.find((band) => amount >= band.from && amount < band.to)!.name;

/**
 * A query. Filters combine with AND; several values of one filter (category, colour, size)
 * with OR. The facets are counted the way shoppers read checkboxes: each over the hits of
 * every other filter, so ticking one colour still shows what the other colours would add.
 */
export type SearchQuery = {
  q: string;
  currency: Currency;
  categories?: string[];
  colours?: string[];
  sizes?: string[];
  inStock?: boolean;
  /** Inclusive bounds on the price in `currency`, minor units. */
  minPrice?: number;
  maxPrice?: number;
  sort: SearchSort;
  /** Opaque: a previous answer's nextCursor, for the same query. */
  cursor?: string;
  limit: number;
};

export type SearchHit = {
  productId: string;
  handle: string;
  title: string;
  category: string;
  price: Money;
  inStock: boolean;
  cover: ImageRef | null;
  /** The title, HTML-escaped, with the words that matched the query in `<mark>`. */
  highlights: { title: string };
};

export type SearchResult = {
  hits: SearchHit[];
  /** facet → value → number of hits (see SearchQuery for how each is counted). */
  facets: Record<SearchFacet, Record<string, number>>;
  nextCursor: string | null;
};

/**
 * Where products are searched: the read model's own table in PostgreSQL, or Meilisearch.
 * Writes are upserts by productId and are searchable when they resolve, so the projection
 * can move its checkpoint after them and a replay only writes the same documents again.
 */
export interface SearchIndex {
  upsert(documents: SearchDocument[]): Promise<void>;
  remove(productIds: string[]): Promise<void>;
  /** A cursor this index did not make for this sort is a ValidationError (a 400 at the API). */
  search(query: SearchQuery): Promise<SearchResult>;
}
