import type { Currency } from '@flowdose/domain/money';
import type { ImageRef } from '@flowdose/domain/product/events';
import type { PoolClient } from '@flowdose/shared/db';
import type { SearchDocument } from '@flowdose/shared/search/port';

/** Option names read as colour and size (the admin types them; the demo says Colour and Size). */
const COLOUR = ['colour', 'color'];
const SIZE = ['size'];

/**
 * The documents of these products as the range left them, from this read model's own tables,
 * and the ids that have none (unknown here, or not published: a draft or an archived product
 * is not found).
 */
export async function documentsOf(
  tx: PoolClient,
  s: string,
  productIds: readonly string[],
): Promise<{ documents: SearchDocument[]; gone: string[] }> {
  const values = (names: string[]) =>
    `coalesce((select array_agg(distinct o.value order by o.value) from ${s}.variants v, jsonb_each_text(v.option_values) o
       where v.product_id = p.product_id and lower(o.key) = any('{${names.join(',')}}'::text[])), '{}')`;
  const { rows } = await tx.query<{
    product_id: string;
    handle: string;
    title: string;
    description: string;
    category: string;
    prices: Partial<Record<Currency, number>>;
    colours: string[];
    sizes: string[];
    in_stock: boolean;
    created_at: number;
    cover: ImageRef | null;
  }>(
    `select p.product_id, p.handle, p.title, p.description, p.category, p.created_at::float8 as created_at,
       p.images -> 0 as cover,
       coalesce((select jsonb_object_agg(currency, amount) from (
          select pr.key as currency, min(pr.value::bigint) as amount
          from ${s}.variants v, jsonb_each_text(v.prices) pr where v.product_id = p.product_id group by pr.key) lowest),
        '{}') as prices,
       ${values(COLOUR)} as colours, ${values(SIZE)} as sizes,
       exists (select from ${s}.variants v join ${s}.stock st using (sku)
               where v.product_id = p.product_id and st.available > 0) as in_stock
     from ${s}.products p where p.product_id = any($1::uuid[]) and p.status = 'published'`,
    [productIds],
  );
  const documents = rows.map((r) => ({
    productId: r.product_id,
    handle: r.handle,
    title: r.title,
    description: r.description,
    category: r.category,
    prices: r.prices,
    colours: r.colours,
    sizes: r.sizes,
    inStock: r.in_stock,
    createdAt: r.created_at,
    cover: r.cover,
  }));
  const found = new Set(documents.map((d) => d.productId));
  return { documents, gone: productIds.filter((id) => !found.has(id)) };
}
