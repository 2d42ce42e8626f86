import type {
  AdminProduct,
  AdminProductListItem,
  Categories,
  ProductDetail,
  ProductListItem,
} from '@flowdose/contract/query-api';
import type { Currency, Money } from '@flowdose/domain/money';
import type { ImageRef } from '@flowdose/domain/product/events';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { availableSql } from '../inventory/queries.ts';
import { containing } from '../like.ts';
import { CATALOG, type ProductRow, type VariantRow } from './tables.ts';

const s = liveSchema(CATALOG);

export type ProductSort = 'newest' | 'title' | 'price_asc' | 'price_desc';
export type ProductQuery = {
  currency: Currency;
  category?: string;
  tag?: string;
  q?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort: ProductSort;
  limit: number;
  /** The sort value and product id of the last item already seen. */
  after?: [string | number, string];
};
/**
 * An answer as this model holds it: its images as stored (blob-store keys, alt texts, sizes),
 * which the query API shows as the contract's ShownImage (query-api/src/shown-images.ts).
 */
export type Stored<Answer> = Answer extends { images: unknown[] }
  ? Omit<Answer, 'images'> & { images: ImageRef[] }
  : Answer extends { image: unknown }
    ? Omit<Answer, 'image'> & { image: ImageRef | null }
    : Answer;

// Keyset pagination: each sort orders by its key, then the product id, and a cursor is the
// pair last seen, so pages stay stable while products are added.
const ORDER: Record<ProductSort, { key: string; dir: 'asc' | 'desc' }> = {
  newest: { key: 'p.created_position', dir: 'desc' },
  title: { key: 'lower(p.title)', dir: 'asc' },
  price_asc: { key: 'pp.amount', dir: 'asc' },
  price_desc: { key: 'pp.amount', dir: 'desc' },
};

// Availability is the inventory read model's: its SQL comes from that module.
const IN_STOCK = `exists (select 1 from ${s}.variants v where v.product_id = p.product_id and ${availableSql('v.sku')} > 0)`;

/** Published products at their lowest price in the currency; products without one are left out. */
export async function listProducts(
  pool: Pool,
  query: ProductQuery,
): Promise<{ items: Stored<ProductListItem>[]; last: [string | number, string] | null; more: boolean }> {
  const params: unknown[] = [query.currency];
  const where: string[] = ["p.status = 'published'"];
  const add = (clause: (n: number) => string, ...values: unknown[]) => {
    params.push(...values);
    where.push(clause(params.length));
  };
  if (query.category) add((n) => `p.category = $${n}`, query.category);
  if (query.tag) add((n) => `$${n} = any(p.tags)`, query.tag);
  if (query.q) add((n) => `p.title ilike $${n}`, containing(query.q));
  if (query.minPrice !== undefined) add((n) => `pp.amount >= $${n}`, query.minPrice);
  if (query.maxPrice !== undefined) add((n) => `pp.amount <= $${n}`, query.maxPrice);
  if (query.inStock) where.push(IN_STOCK);
  const { key, dir } = ORDER[query.sort];
  if (query.after) {
    add((n) => `(${key}, p.product_id) ${dir === 'asc' ? '>' : '<'} ($${n - 1}, $${n}::uuid)`, ...query.after);
  }
  params.push(query.limit + 1);
  const { rows } = await pool.query<
    Pick<ProductRow, 'product_id' | 'handle' | 'title' | 'category' | 'tags' | 'created_at' | 'created_position'> & {
      price: bigint;
      in_stock: boolean;
      image: ImageRef | null;
    }
  >(
    `select p.product_id, p.handle, p.title, p.category, p.tags, p.created_at, p.created_position,
       p.images->0 as image, pp.amount as price, ${IN_STOCK} as in_stock
     from ${s}.products p join ${s}.product_prices pp on pp.product_id = p.product_id and pp.currency = $1
     where ${where.join(' and ')}
     order by ${key} ${dir}, p.product_id ${dir}
     limit $${params.length}`,
    params,
  );
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  const lastRow = page[page.length - 1];
  const sortValue = (r: (typeof rows)[number]): string | number =>
    query.sort === 'newest'
      ? Number(r.created_position)
      : query.sort === 'title'
        ? r.title.toLowerCase()
        : Number(r.price);
  return {
    items: page.map(
      (r): Stored<ProductListItem> => ({
        productId: r.product_id,
        handle: r.handle,
        title: r.title,
        category: r.category,
        tags: r.tags,
        price: { amount: Number(r.price), currency: query.currency },
        inStock: r.in_stock,
        image: r.image,
        createdAt: r.created_at.toISOString(),
      }),
    ),
    last: lastRow ? [sortValue(lastRow), lastRow.product_id] : null,
    more,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A published product by id or handle, with every variant and its prices. */
export async function findProduct(pool: Pool, idOrHandle: string): Promise<Stored<ProductDetail> | null> {
  const found = await loadProduct(pool, idOrHandle, { publishedOnly: true });
  if (!found) return null;
  const { status: _status, createdAt: _createdAt, updatedAt: _updatedAt, ...product } = found;
  return product;
}

/** A product by id whatever its status, as staff edit it. */
export async function findAdminProduct(pool: Pool, productId: string): Promise<Stored<AdminProduct> | null> {
  return UUID.test(productId) ? loadProduct(pool, productId, { publishedOnly: false }) : null;
}

async function loadProduct(
  pool: Pool,
  idOrHandle: string,
  { publishedOnly }: { publishedOnly: boolean },
): Promise<Stored<AdminProduct> | null> {
  const byId = UUID.test(idOrHandle);
  const { rows } = await pool.query<
    Pick<
      ProductRow,
      | 'product_id'
      | 'handle'
      | 'title'
      | 'description'
      | 'category'
      | 'tags'
      | 'options'
      | 'images'
      | 'status'
      | 'created_at'
      | 'updated_at'
    > & {
      variants: (Pick<VariantRow, 'sku' | 'option_values' | 'weight_grams'> & {
        prices: Money[] | null;
        available: number;
      })[];
    }
  >(
    `select p.product_id, p.handle, p.title, p.description, p.category, p.tags, p.options, p.images,
       p.status, p.created_at, p.updated_at,
       coalesce((
         select json_agg(json_build_object('sku', v.sku, 'option_values', v.option_values, 'weight_grams', v.weight_grams,
           'available', ${availableSql('v.sku')},
           'prices', (select json_agg(json_build_object('amount', vp.amount, 'currency', vp.currency) order by vp.currency)
                      from ${s}.variant_prices vp where vp.sku = v.sku)) order by v.added_position)
         from ${s}.variants v where v.product_id = p.product_id), '[]') as variants
     from ${s}.products p
     where ($2 or p.status = 'published') and ${byId ? 'p.product_id = $1::uuid' : 'p.handle = $1'}`,
    [idOrHandle, !publishedOnly],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    productId: row.product_id,
    handle: row.handle,
    title: row.title,
    description: row.description,
    category: row.category,
    tags: row.tags,
    options: row.options,
    images: row.images,
    variants: row.variants.map((v) => ({
      sku: v.sku,
      optionValues: v.option_values,
      prices: v.prices ?? [],
      weightGrams: v.weight_grams,
      available: v.available,
    })),
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Categories with published products, and how many each has, largest first. */
export async function listCategories(pool: Pool): Promise<Categories['items']> {
  const { rows } = await pool.query<Pick<ProductRow, 'category'> & { products: number }>(
    `select category, count(*)::int as products from ${s}.products where status = 'published'
     group by category order by products desc, category`,
  );
  return rows;
}

export type ProductStatus = ProductRow['status'];

/**
 * Staff's product list, every status, newest first by keyset on (created_position,
 * product_id); `q` matches the title, the handle or one of its SKUs.
 */
export async function listAdminProducts(
  pool: Pool,
  query: { q?: string; status?: ProductStatus; after?: [number, string]; limit: number },
): Promise<{ items: AdminProductListItem[]; last: [number, string] | null; more: boolean }> {
  const { rows } = await pool.query<
    Pick<
      ProductRow,
      'product_id' | 'handle' | 'title' | 'status' | 'category' | 'created_at' | 'updated_at' | 'created_position'
    > & { variants: number }
  >(
    `select p.product_id, p.handle, p.title, p.status, p.category, p.created_at, p.updated_at, p.created_position,
       (select count(*)::int from ${s}.variants v where v.product_id = p.product_id) as variants
     from ${s}.products p
     where ($1::text is null or p.title ilike $1 or p.handle ilike $1
            or exists (select 1 from ${s}.variants v where v.product_id = p.product_id and v.sku ilike $1))
       and ($2::text is null or p.status = $2)
       and ($3::bigint is null or (p.created_position, p.product_id) < ($3::bigint, $4::uuid))
     order by p.created_position desc, p.product_id desc limit $5`,
    [
      query.q ? containing(query.q) : null,
      query.status ?? null,
      query.after?.[0] ?? null,
      query.after?.[1] ?? null,
      query.limit + 1,
    ],
  );
  const page = rows.slice(0, query.limit);
  const lastRow = page.at(-1);
  return {
    items: page.map(
      (r): AdminProductListItem => ({
        productId: r.product_id,
        handle: r.handle,
        title: r.title,
        status: r.status,
        category: r.category,
        variants: r.variants,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      }),
    ),
    last: lastRow ? [Number(lastRow.created_position), lastRow.product_id] : null,
    more: rows.length > query.limit,
  };
}
