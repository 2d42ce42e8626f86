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
 * The days are summed per SKU first (a few thousand rows at most) and only then joined to
 * the catalog: joining each day's row first costs a catalog lookup per day and SKU.
 */
export async function topProductSales(pool: Pool, range: ProductSalesRange): Promise<ProductSalesItem[]> {
  const perSku = `select sku, sum(units)::int8 as units, sum(revenue)::int8 as revenue, sum(refunds)::int8 as refunds
     from ${s}.product_sales where day between $1 and $2 and currency = $3 group by sku`;
  const { rows } = await pool.query<Record<string, string | bigint | null>>(
    range.by === 'variant'
      ? `select t.sku, vp.product_id, vp.title, vp.category, t.units, t.revenue, t.refunds
         from (${perSku} order by revenue desc, sku limit $4) t left join ${skuProductsSql} vp on vp.sku = t.sku
         order by t.revenue desc, t.sku`
      : `select vp.category, sum(t.units)::int8 as units, sum(t.revenue)::int8 as revenue, sum(t.refunds)::int8 as refunds
         from (${perSku}) t left join ${skuProductsSql} vp on vp.sku = t.sku
         group by vp.category order by revenue desc, vp.category limit $4`,
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
