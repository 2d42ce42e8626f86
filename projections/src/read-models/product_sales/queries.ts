import type { ProductSalesItem } from '@flowdose/contract/query-api';
import type { Currency } from '@flowdose/domain/money';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { skuProductsSql } from '../catalog/sku-products.ts';
import { type RowFor, viewOf } from '../view.ts';
import { PRODUCT_SALES } from './tables.ts';

const s = liveSchema(PRODUCT_SALES);
const itemView = viewOf<Omit<ProductSalesItem, 'net'>>();

export type ProductSalesRange = {
  from: string;
  to: string;
  currency: Currency;
  by: 'variant' | 'category';
  limit: number;
};

/** Days as YYYY-MM-DD: the day after one, and the first of the month after one's. */
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const nextMonth = (day: string) => {
  const first = new Date(`${day.slice(0, 8)}01T00:00:00Z`);
  first.setUTCMonth(first.getUTCMonth() + 1);
  return first.toISOString().slice(0, 10);
};

/**
 * The whole months between two days (both included), as the days [first, end): the range is
 * read per day before `first` and from `end` on, per month between. None: first = end, the
 * day after `to`.
 */
export function wholeMonths(from: string, to: string): { first: string; end: string } {
  const afterTo = nextDay(to);
  const first = from.endsWith('-01') ? from : nextMonth(from);
  const end = `${afterTo.slice(0, 8)}01`;
  return first < end ? { first, end } : { first: afterTo, end: afterTo };
}

/**
 * The best sellers by revenue in one currency between two shop days (both included), per
 * variant or rolled up per category. The category is the catalog's now, not at the sale.
 * Whole months are read from their monthly rows, the days around them from the daily ones.
 * The figures are summed per SKU first (a few thousand rows at most) and only then joined to
 * the catalog: joining each day's row first costs a catalog lookup per day and SKU.
 */
export async function topProductSales(pool: Pool, range: ProductSalesRange): Promise<ProductSalesItem[]> {
  const perSku = `select sku, sum(units)::int8 as units, sum(revenue)::int8 as revenue, sum(refunds)::int8 as refunds
     from (select sku, units, revenue, refunds from ${s}.product_sales where currency = $3 and day >= $1 and day < $5
           union all
           select sku, units, revenue, refunds from ${s}.product_sales_months
           where currency = $3 and month >= $5 and month < $6
           union all
           select sku, units, revenue, refunds from ${s}.product_sales where currency = $3 and day >= $6 and day <= $2) d
     group by sku`;
  const { first, end } = wholeMonths(range.from, range.to);
  const { rows } = await pool.query<RowFor<Omit<ProductSalesItem, 'net'>> & { revenue: bigint; refunds: bigint }>(
    range.by === 'variant'
      ? `select t.sku, vp.product_id, vp.title, vp.category, t.units, t.revenue, t.refunds
         from (${perSku} order by revenue desc, sku limit $4) t left join ${skuProductsSql} vp on vp.sku = t.sku
         order by t.revenue desc, t.sku`
      : `select null as sku, null as product_id, null as title, vp.category, sum(t.units)::int8 as units,
           sum(t.revenue)::int8 as revenue, sum(t.refunds)::int8 as refunds
         from (${perSku}) t left join ${skuProductsSql} vp on vp.sku = t.sku
         group by vp.category order by revenue desc, vp.category limit $4`,
    [range.from, range.to, range.currency, range.limit, first, end],
  );
  return rows.map((r) => ({ ...itemView(r), net: Number(r.revenue) - Number(r.refunds) }));
}
