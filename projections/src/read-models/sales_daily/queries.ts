import type { SalesBucket } from '@flowdose/contract/query-api';
import type { Currency } from '@flowdose/domain/money';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { type RowFor, viewOf } from '../view.ts';
import { SALES_DAILY } from './tables.ts';

const s = liveSchema(SALES_DAILY);

export type Granularity = 'day' | 'week' | 'month';

export type SalesRange = { from: string; to: string; currency?: Currency; granularity: Granularity; limit: number };

const bucketView = viewOf<SalesBucket>();

/** Sales per bucket and currency between two shop days (both included), oldest first. */
export async function salesByPeriod(pool: Pool, range: SalesRange): Promise<SalesBucket[]> {
  const { rows } = await pool.query<RowFor<SalesBucket>>(
    // Summed per bucket first and only then written as text: formatting each day's row costs more.
    // The average is rounded half up (grand totals are never negative).
    `select to_char(bucket, 'YYYY-MM-DD') as period, currency, orders, items, subtotal, discounts, shipping, tax,
       gross, refunds, canceled_orders, canceled, gross - refunds - canceled as net,
       case when orders > 0 then round(gross::numeric / orders)::int8 else 0 end as average_order_value,
       new_customers, returning_customers
     from (
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
  return rows.map(bucketView);
}
