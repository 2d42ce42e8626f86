import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { rate } from '../rate.ts';
import type { SalesRange } from '../sales_daily/queries.ts';

const s = liveSchema('funnel_daily');

export type FunnelBucket = {
  /** The first day of the bucket (a week starts on Monday), which may precede `from`. */
  period: string;
  currency: string;
  cartsOpened: number;
  cartsWithItems: number;
  checkoutsStarted: number;
  ordersPlaced: number;
  ordersPaid: number;
  toItems: number | null;
  toCheckout: number | null;
  toOrder: number | null;
  toPaid: number | null;
  overall: number | null;
};

/**
 * The funnel of the carts opened between two shop days (both included), per bucket of their
 * opening day and currency, oldest first. A bucket whose carts were all merged away is left out.
 */
export async function funnelByPeriod(pool: Pool, range: SalesRange): Promise<FunnelBucket[]> {
  const { rows } = await pool.query<Record<string, string | bigint>>(
    `select to_char(date_trunc($1, day), 'YYYY-MM-DD') as period, currency,
       sum(carts_opened)::int8 as opened, sum(carts_with_items)::int8 as items,
       sum(checkouts_started)::int8 as checkouts, sum(orders_placed)::int8 as placed, sum(orders_paid)::int8 as paid
     from ${s}.funnel_daily
     where day between $2 and $3 and ($4::text is null or currency = $4)
     group by 1, 2 having sum(carts_opened) > 0 order by 1, 2 limit $5`,
    [range.granularity, range.from, range.to, range.currency ?? null, range.limit],
  );
  return rows.map((r) => {
    const [opened, items, checkouts, placed, paid] = ['opened', 'items', 'checkouts', 'placed', 'paid'].map((k) =>
      Number(r[k]),
    ) as [number, number, number, number, number];
    return {
      period: String(r.period),
      currency: String(r.currency),
      cartsOpened: opened,
      cartsWithItems: items,
      checkoutsStarted: checkouts,
      ordersPlaced: placed,
      ordersPaid: paid,
      toItems: rate(items, opened),
      toCheckout: rate(checkouts, items),
      toOrder: rate(placed, checkouts),
      toPaid: rate(paid, placed),
      overall: rate(paid, opened),
    };
  });
}
