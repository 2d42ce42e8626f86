import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';

const s = liveSchema('sales_daily');

export type Granularity = 'day' | 'week' | 'month';

export type SalesRange = { from: string; to: string; currency?: string; granularity: Granularity; limit: number };

export type SalesBucket = {
  /** The first day of the bucket (a week starts on Monday), which may precede `from`. */
  period: string;
  currency: string;
  orders: number;
  items: number;
  subtotal: number;
  discounts: number;
  shipping: number;
  tax: number;
  gross: number;
  refunds: number;
  canceledOrders: number;
  canceled: number;
  net: number;
  averageOrderValue: number;
  newCustomers: number;
  returningCustomers: number;
};

/** Sales per bucket and currency between two shop days (both included), oldest first. */
export async function salesByPeriod(pool: Pool, range: SalesRange): Promise<SalesBucket[]> {
  const { rows } = await pool.query<Record<string, string | bigint>>(
    // Summed per bucket first and only then written as text: formatting each day's row costs more.
    `select to_char(bucket, 'YYYY-MM-DD') as period, b.* from (
       select date_trunc($1, day) as bucket, currency,
         sum(orders)::int8 as orders, sum(items)::int8 as items, sum(subtotal)::int8 as subtotal,
         sum(discounts)::int8 as discounts, sum(shipping)::int8 as shipping, sum(tax)::int8 as tax,
         sum(gross)::int8 as gross, sum(refunds)::int8 as refunds,
         sum(canceled_orders)::int8 as canceled_orders, sum(canceled)::int8 as canceled,
         sum(new_customers)::int8 as new_customers, sum(returning_customers)::int8 as returning_customers
       from ${s}.sales_daily
       where day between $2 and $3 and ($4::text is null or currency = $4)
       group by 1, 2 order by 1, 2 limit $5) b
     order by b.bucket, b.currency`,
    [range.granularity, range.from, range.to, range.currency ?? null, range.limit],
  );
  return rows.map((r) => {
    const n = (key: string) => Number(r[key]);
    const orders = n('orders');
    return {
      period: String(r.period),
      currency: String(r.currency),
      orders,
      items: n('items'),
      subtotal: n('subtotal'),
      discounts: n('discounts'),
      shipping: n('shipping'),
      tax: n('tax'),
      gross: n('gross'),
      refunds: n('refunds'),
      canceledOrders: n('canceled_orders'),
      canceled: n('canceled'),
      net: n('gross') - n('refunds') - n('canceled'),
      averageOrderValue: orders > 0 ? Math.round(n('gross') / orders) : 0,
      newCustomers: n('new_customers'),
      returningCustomers: n('returning_customers'),
    };
  });
}
