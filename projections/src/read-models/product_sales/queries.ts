import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { skuProductsSql } from '../catalog/sku-products.ts';

const s = liveSchema('product_sales');

export type ProductSalesItem = {
  /** Null when rolled up by category. */
  sku: string | null;
  productId: string | null;
  title: string | null;
  /** The product's category today (null for a SKU the catalog no longer has). */
  category: string | null;
  units: number;
  revenue: number;
  refunds: number;
  net: number;
};

export type ProductSalesRange = {
  from: string;
  to: string;
  currency: string;
  by: 'variant' | 'category';
  limit: number;
};

/**
 * The best sellers by revenue in one currency between two shop days (both included), per
 * variant or rolled up per category. The category is the catalog's now, not at the sale.
 */
export async function topProductSales(pool: Pool, range: ProductSalesRange): Promise<ProductSalesItem[]> {
  const key = range.by === 'variant' ? 'ps.sku, vp.product_id, vp.title, vp.category' : 'vp.category';
  const { rows } = await pool.query<Record<string, string | bigint | null>>(
    `select ${range.by === 'variant' ? 'ps.sku, vp.product_id, vp.title,' : ''} vp.category,
       sum(ps.units)::int8 as units, sum(ps.revenue)::int8 as revenue, sum(ps.refunds)::int8 as refunds
     from ${s}.product_sales ps left join ${skuProductsSql} vp on vp.sku = ps.sku
     where ps.day between $1 and $2 and ps.currency = $3
     group by ${key} order by revenue desc, ${key} limit $4`,
    [range.from, range.to, range.currency, range.limit],
  );
  return rows.map((r) => ({
    sku: (r.sku as string | undefined) ?? null,
    productId: (r.product_id as string | undefined) ?? null,
    title: (r.title as string | undefined) ?? null,
    category: (r.category as string | null) ?? null,
    units: Number(r.units),
    revenue: Number(r.revenue),
    refunds: Number(r.refunds),
    net: Number(r.revenue) - Number(r.refunds),
  }));
}
