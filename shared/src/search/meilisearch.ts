import { Currency } from '@flowdose/domain/money';
import type { ImageRef } from '@flowdose/domain/product/events';
import {
  type EnqueuedTaskPromise,
  Meilisearch,
  MeilisearchApiError,
  type MultiSearchQuery,
  type SearchResponse,
} from 'meilisearch';
import { decodeSearchCursor, encodeSearchCursor } from './cursor.ts';
import { facetsOf } from './facets.ts';
import { marksToHtml } from './highlight.ts';
import {
  priceBandOf,
  SEARCH_FACETS,
  type SearchDocument,
  type SearchFacet,
  type SearchIndex,
  type SearchQuery,
} from './port.ts';

export type MeiliSettings = { url: string; key?: string | undefined; index: string };

/** As stored in Meilisearch: the document plus its price band per currency (a facet of fixed bands). */
type MeiliDocument = SearchDocument & { priceBands: Partial<Record<Currency, string>> };

// Meilisearch reads nested fields by dotted path; the currencies are few and known, so each is named.
const perCurrency = (field: string) => Currency.options.map((c) => `${field}.${c}`);

/** The facet each filter is counted by in Meilisearch's terms. */
const facetAttribute = (facet: SearchFacet, currency: Currency) =>
  ({ category: 'category', colour: 'colours', size: 'sizes', inStock: 'inStock', price: `priceBands.${currency}` })[
    facet
  ];

// Never in shop text: the highlighter marks with them, and marksToHtml escapes the rest.
const OPEN = '\u0002';
const CLOSE = '\u0003';

/** Documents per task: well under Meilisearch's payload limit, and each task is waited for. */
const BATCH = 1000;

/** Values in a filter expression: quoted, with quotes and backslashes escaped. */
const quote = (value: string) => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * Search in a Meilisearch index. The index's settings (what is searched, filtered, sorted,
 * the typo tolerance) are applied before this process first writes to it, and every write
 * waits for its task: resolved means searchable, so the projection moves its checkpoint
 * after it, and a failed task throws (the range is retried).
 */
export function createMeiliSearchIndex({
  url,
  key,
  index: uid,
}: MeiliSettings): SearchIndex & { drop(): Promise<void> } {
  const client = new Meilisearch({ host: url, ...(key ? { apiKey: key } : {}) });
  const index = client.index<MeiliDocument>(uid);
  let prepared: Promise<void> | undefined;

  const settle = async (task: EnqueuedTaskPromise) => {
    const done = await task.waitTask({ timeout: 60_000 });
    if (done.status !== 'succeeded')
      throw new Error(
        `Meilisearch task ${done.uid} on ${uid} ${done.status}: ${done.error?.message ?? 'no reason given'}`,
      );
  };
  const prepare = () => {
    prepared ??= settle(
      index.updateSettings({
        searchableAttributes: ['title', 'category', 'colours', 'sizes', 'description'],
        filterableAttributes: [
          'category',
          'colours',
          'sizes',
          'inStock',
          ...perCurrency('prices'),
          ...perCurrency('priceBands'),
        ],
        sortableAttributes: ['createdAt', ...perCurrency('prices')],
        // Meilisearch's default word sizes, written out because the Postgres adapter's
        // highlighter forgives the same: one typo from 5 letters, two from 9.
        typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
        faceting: { maxValuesPerFacet: 200 },
        // Offset paging reaches this far; the default 1,000 would end a broad search early.
        pagination: { maxTotalHits: 10_000 },
      }),
    ).catch((error: unknown) => {
      prepared = undefined; // tried again on the next call
      throw error;
    });
    return prepared;
  };

  return {
    async upsert(documents) {
      await prepare();
      for (let i = 0; i < documents.length; i += BATCH) {
        const batch = documents.slice(i, i + BATCH).map((d) => ({
          ...d,
          priceBands: Object.fromEntries(Object.entries(d.prices).map(([c, amount]) => [c, priceBandOf(amount)])),
        }));
        await settle(index.addDocuments(batch, { primaryKey: 'productId' }));
      }
    },

    async remove(productIds) {
      if (productIds.length === 0) return;
      await prepare();
      await settle(index.deleteDocuments(productIds));
    },

    // Searching changes no settings, so the query API may hold a key that may only search.
    async search(query) {
      const offset = query.cursor
        ? decodeSearchCursor(query.cursor, query.sort, ([at]) =>
            typeof at === 'number' && Number.isSafeInteger(at) && at > 0 ? at : null,
          )
        : 0;
      const filters = filtersOf(query);
      const all = Object.values(filters).filter((f): f is string | string[] => f !== null);
      const price = `prices.${query.currency}`;
      const sort = {
        relevance: undefined,
        price_asc: [`${price}:asc`],
        price_desc: [`${price}:desc`],
        newest: ['createdAt:desc'],
      }[query.sort];
      // A facet whose filter is set is counted by a query of its own without that filter (see
      // SearchQuery); the others come with the hits.
      const own = SEARCH_FACETS.filter((f) => filters[f] !== null);
      const shared = SEARCH_FACETS.filter((f) => filters[f] === null);
      const base = { indexUid: uid, q: query.q };
      const inCurrency = `${price} EXISTS`;
      const queries: MultiSearchQuery[] = [
        {
          ...base,
          filter: [inCurrency, ...all],
          ...(sort ? { sort } : {}),
          offset,
          limit: query.limit + 1,
          facets: shared.map((f) => facetAttribute(f, query.currency)),
          attributesToHighlight: ['title'],
          highlightPreTag: OPEN,
          highlightPostTag: CLOSE,
        },
        ...own.map((facet) => ({
          ...base,
          filter: [
            inCurrency,
            ...SEARCH_FACETS.filter((f) => f !== facet)
              .map((f) => filters[f])
              .filter((f): f is string | string[] => f !== null),
          ],
          limit: 0,
          facets: [facetAttribute(facet, query.currency)],
        })),
      ];
      const answer = await client
        .multiSearch<{ queries: MultiSearchQuery[] }, MeiliDocument>({ queries })
        .catch((error: unknown) => {
          // The projection makes the index with its first documents: until then, nothing is found.
          if (error instanceof MeilisearchApiError && error.cause?.code === 'index_not_found') return null;
          throw error;
        });
      if (!answer) return { hits: [], facets: facetsOf([]), nextCursor: null };
      const { results } = answer;
      const [main, ...counted] = results as SearchResponse<MeiliDocument>[];
      const countsOf = (facet: SearchFacet, answer: SearchResponse<MeiliDocument>) =>
        Object.entries(answer.facetDistribution?.[facetAttribute(facet, query.currency)] ?? {}).map(([value, n]) => ({
          facet,
          value,
          n,
        }));
      const facets = facetsOf([
        ...shared.flatMap((f) => countsOf(f, main!)),
        ...own.flatMap((f, i) => countsOf(f, counted[i]!)),
      ]);
      const more = main!.hits.length > query.limit;
      return {
        hits: main!.hits.slice(0, query.limit).map((hit) => ({
          productId: hit.productId,
          handle: hit.handle,
          title: hit.title,
          category: hit.category,
          price: { amount: hit.prices[query.currency]!, currency: query.currency },
          inStock: hit.inStock,
          cover: (hit.cover ?? null) as ImageRef | null,
          highlights: { title: marksToHtml(hit._formatted?.title ?? hit.title, OPEN, CLOSE) },
        })),
        facets,
        nextCursor: more ? encodeSearchCursor(query.sort, [offset + query.limit]) : null,
      };
    },

    /** Deletes the whole index (tests clean up with it). */
    async drop() {
      await settle(client.deleteIndex(uid));
    },
  };
}

/** Each filter of the query as a Meilisearch filter (an array is an OR), or null when unset. */
function filtersOf(query: SearchQuery): Record<SearchFacet, string | string[] | null> {
  const oneOf = (attribute: string, values: string[] | undefined) =>
    values?.length ? values.map((v) => `${attribute} = ${quote(v)}`) : null;
  const price = `prices.${query.currency}`;
  const bounds = [
    ...(query.minPrice !== undefined ? [`${price} >= ${query.minPrice}`] : []),
    ...(query.maxPrice !== undefined ? [`${price} <= ${query.maxPrice}`] : []),
  ];
  return {
    category: oneOf('category', query.categories),
    colour: oneOf('colours', query.colours),
    size: oneOf('sizes', query.sizes),
    inStock: query.inStock === undefined ? null : `inStock = ${query.inStock}`,
    price: bounds.length ? bounds.join(' AND ') : null,
  };
}
