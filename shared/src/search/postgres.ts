import type { Currency } from '@flowdose/domain/money';
import type { ImageRef } from '@flowdose/domain/product/events';
import type { Pool, PoolClient } from '../db.ts';
import { decodeSearchCursor, encodeSearchCursor } from './cursor.ts';
import { facetsOf } from './facets.ts';
import { fold, markTitle, queryTerms } from './highlight.ts';
import {
  PRICE_BANDS,
  type SearchDocument,
  type SearchFacet,
  type SearchHit,
  type SearchIndex,
  type SearchQuery,
} from './port.ts';

/**
 * The documents' table, in the search projection's schema (so a rebuild builds a fresh one in
 * its shadow schema and swaps it in). Folded title and weighted vector are computed on write,
 * by the same search_fold() and text search configuration the queries use (the migration
 * `search` makes both): title first, then category and option values, then the description.
 */
export const searchDocumentsTable = (s: string) => `
    create table ${s}.documents (
      product_id uuid primary key,
      handle text not null,
      title text not null,
      description text not null,
      category text not null,
      prices jsonb not null,
      colours text[] not null,
      sizes text[] not null,
      in_stock boolean not null,
      created_at bigint not null,
      cover jsonb,
      title_folded text not null,
      vector tsvector not null
    );
    create index on ${s}.documents using gin (vector);
    create index on ${s}.documents using gin (title_folded gin_trgm_ops);`;

/**
 * How close a query must be to some stretch of a title (pg_trgm's word_similarity, 0..1) to
 * count as a typo of it when the full-text half finds nothing. A slip costs a short word more
 * trigrams than a long one: "jaket" against "jacket" is 0.44, "hodie" against "hoodie" 0.63, a
 * one-letter slip in a whole title 0.75 and more. At 0.4 a four-letter word would also find
 * others sharing two trigrams ("tent" finds "teapot"), hence TYPO_MIN_LETTERS.
 */
const TYPO_SIMILARITY = 0.4;
/** Typos are forgiven once a query has a word this long, as Meilisearch forgives one from 5 letters. */
const TYPO_MIN_LETTERS = 5;

type FacetCount = { facet: SearchFacet; value: string; n: number };

type Row = {
  product_id: string;
  handle: string;
  title: string;
  category: string;
  price: number;
  in_stock: boolean;
  cover: ImageRef | null;
  /** Exactly as Postgres holds it, for the cursor (a JSON number would pass through a double). */
  score_text: string;
  created_at: number;
};

const isUuid = (v: unknown): v is string =>
  typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

/** What each sort orders by, and the column its cursor keeps. */
const ORDER = {
  relevance: { key: 'score', direction: 'desc' },
  price_asc: { key: 'price', direction: 'asc' },
  price_desc: { key: 'price', direction: 'desc' },
  newest: { key: 'created_at', direction: 'desc' },
} as const;

/**
 * Search over the documents table in `schema`. `db` is the pool for reads, or the projection's
 * transaction for writes (so documents commit with the checkpoint: exactly once).
 */
export function createPostgresSearchIndex(db: Pool | PoolClient, schema: string): SearchIndex {
  const s = schema;
  return {
    async upsert(documents) {
      if (documents.length === 0) return;
      await db.query(
        `insert into ${s}.documents (product_id, handle, title, description, category, prices, colours, sizes,
           in_stock, created_at, cover, title_folded, vector)
         select d.product_id, d.handle, d.title, d.description, d.category, d.prices, d.colours, d.sizes,
           d.in_stock, d.created_at, d.cover, public.search_fold(d.title),
           setweight(to_tsvector('public.flowdose_search', d.title), 'A') ||
           setweight(to_tsvector('public.flowdose_search',
             d.category || ' ' || array_to_string(d.colours, ' ') || ' ' || array_to_string(d.sizes, ' ')), 'B') ||
           setweight(to_tsvector('public.flowdose_search', d.description), 'C')
         from jsonb_to_recordset($1::jsonb) as d(product_id uuid, handle text, title text, description text,
           category text, prices jsonb, colours text[], sizes text[], in_stock boolean, created_at bigint, cover jsonb)
         on conflict (product_id) do update set handle = excluded.handle, title = excluded.title,
           description = excluded.description, category = excluded.category, prices = excluded.prices,
           colours = excluded.colours, sizes = excluded.sizes, in_stock = excluded.in_stock,
           created_at = excluded.created_at, cover = excluded.cover, title_folded = excluded.title_folded,
           vector = excluded.vector`,
        [JSON.stringify(documents.map(toRow))],
      );
    },

    async remove(productIds) {
      if (productIds.length === 0) return;
      await db.query(`delete from ${s}.documents where product_id = any($1::uuid[])`, [productIds]);
    },

    async search(query) {
      const { sql: matched, values } = matchedSql(s, query);
      const param = (value: unknown) => {
        values.push(value);
        return `$${values.length}`;
      };
      const order = ORDER[query.sort];
      const after = query.cursor ? decodeAfter(query.cursor, query.sort) : null;
      const cast = query.sort === 'relevance' ? 'numeric' : 'bigint';
      const keyset = after
        ? `and (${order.key} ${order.direction === 'desc' ? '<' : '>'} ${param(after.key)}::${cast}
             or (${order.key} = $${values.length}::${cast} and product_id > ${param(after.id)}::uuid))`
        : '';
      const limit = param(query.limit + 1);
      // One statement: the matching documents are found once for the page and the facets.
      const { rows: answer } = await db.query<{ hits: Row[]; facets: FacetCount[] }>(
        `${matched},
         page as (
           select product_id, handle, title, category, price::int as price, in_stock, cover, score,
             score::text as score_text, created_at::float8 as created_at
           from matched where ${FLAGS.map((f) => `f_${f}`).join(' and ')} ${keyset}
           order by ${order.key} ${order.direction}, product_id limit ${limit}
         ),
         counts as (${FACET_COUNTS})
         select
           coalesce((select json_agg(page order by ${order.key} ${order.direction}, product_id) from page), '[]') as hits,
           coalesce((select json_agg(counts) from counts), '[]') as facets`,
        values,
      );
      const { hits, facets } = answer[0]!;
      const more = hits.length > query.limit;
      const rows = hits.slice(0, query.limit);
      const last = rows[rows.length - 1];
      return {
        hits: rows.map((row) => toHit(row, query)),
        facets: facetsOf(facets),
        nextCursor:
          more && last
            ? encodeSearchCursor(query.sort, [
                query.sort === 'relevance' ? last.score_text : order.key === 'price' ? last.price : last.created_at,
                last.product_id,
              ])
            : null,
      };
    },
  };
}

/** The page's end a cursor names: (score as text, id) for relevance, (whole number, id) otherwise. */
function decodeAfter(cursor: string, sort: SearchQuery['sort']) {
  return decodeSearchCursor(cursor, sort, ([key, id]) =>
    isUuid(id) &&
    (sort === 'relevance'
      ? typeof key === 'string' && /^\d{1,6}(\.\d{1,6})?$/.test(key)
      : typeof key === 'number' && Number.isSafeInteger(key))
      ? { key, id }
      : null,
  );
}

const FLAGS = ['category', 'colour', 'size', 'inStock', 'price'] as const satisfies readonly SearchFacet[];

/**
 * Every document the query text matches in the currency, with its price and score and, per
 * filter, whether it passes: the hits need all five, each facet all but its own.
 */
function matchedSql(s: string, query: SearchQuery): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const currency = param(query.currency);
  const terms = queryTerms(query.q);
  let match = '';
  let score = '0::numeric';
  if (terms.length) {
    const q = `${param(terms.join(' '))}::text`;
    // Terms are letters and digits only, so this is always valid to_tsquery syntax; each is a
    // prefix, so a word being typed already finds.
    const tsquery = `to_tsquery('public.flowdose_search', ${param(terms.map((t) => `${t}:*`).join(' & '))})`;
    const typos = terms.some((t) => t.length >= TYPO_MIN_LETTERS);
    match = typos
      ? `and (d.vector @@ ${tsquery} or word_similarity(${q}, d.title_folded) >= ${TYPO_SIMILARITY})`
      : `and d.vector @@ ${tsquery}`;
    // Relevance: full-text rank (title weighs most) plus how close the title is to the query,
    // so an exact title outranks one sharing a word and a typo still ranks its own title
    // first. Rounded, so a cursor carries it exactly.
    score = `round((ts_rank(d.vector, ${tsquery}) + word_similarity(${q}, d.title_folded) + similarity(${q}, d.title_folded))::numeric, 6)`;
  }
  // Values compare folded (case and accents aside), as Meilisearch's filters do.
  const anyOf = (column: string, wanted: string[] | undefined) =>
    wanted?.length
      ? `exists (select from unnest(${column}) v where public.search_fold(v) = any(${param(wanted.map(fold))}::text[]))`
      : 'true';
  const price = `(d.prices ->> ${currency})::bigint`;
  const flags: Record<(typeof FLAGS)[number], string> = {
    category: query.categories?.length
      ? `public.search_fold(d.category) = any(${param(query.categories.map(fold))}::text[])`
      : 'true',
    colour: anyOf('d.colours', query.colours),
    size: anyOf('d.sizes', query.sizes),
    inStock: query.inStock === undefined ? 'true' : `d.in_stock = ${param(query.inStock)}`,
    price: `${price} between ${param(query.minPrice ?? 0)} and ${param(query.maxPrice ?? Number.MAX_SAFE_INTEGER)}`,
  };
  const sql = `with matched as materialized (
      select d.product_id, d.handle, d.title, d.category, d.colours, d.sizes, d.in_stock, d.cover, d.created_at,
        ${price} as price, ${score} as score, ${FLAGS.map((f) => `${flags[f]} as f_${f}`).join(', ')}
      from ${s}.documents d
      where d.prices ? ${currency} ${match}
    )`;
  return { sql, values };
}

const others = (facet: SearchFacet) =>
  FLAGS.filter((f) => f !== facet)
    .map((f) => `f_${f}`)
    .join(' and ');
const band = `case ${PRICE_BANDS.map((b) =>
  Number.isFinite(b.to) ? `when price < ${b.to} then '${b.name}'` : `else '${b.name}'`,
).join(' ')} end`;
/** Each facet counted over the documents passing every filter but its own. */
const FACET_COUNTS = `
  select 'category' as facet, category as value, count(*)::int as n from matched where ${others('category')} group by 2
  union all
  select 'colour', v, count(*)::int from matched, unnest(colours) v where ${others('colour')} group by 2
  union all
  select 'size', v, count(*)::int from matched, unnest(sizes) v where ${others('size')} group by 2
  union all
  select 'inStock', in_stock::text, count(*)::int from matched where ${others('inStock')} group by 2
  union all
  select 'price', ${band}, count(*)::int from matched where ${others('price')} group by 2`;

const toRow = (d: SearchDocument) => ({
  product_id: d.productId,
  handle: d.handle,
  title: d.title,
  description: d.description,
  category: d.category,
  prices: d.prices,
  colours: d.colours,
  sizes: d.sizes,
  in_stock: d.inStock,
  created_at: d.createdAt,
  cover: d.cover,
});

const toHit = (row: Row, query: SearchQuery): SearchHit => ({
  productId: row.product_id,
  handle: row.handle,
  title: row.title,
  category: row.category,
  price: { amount: row.price, currency: query.currency as Currency },
  inStock: row.in_stock,
  cover: row.cover,
  highlights: { title: markTitle(row.title, query.q) },
});
