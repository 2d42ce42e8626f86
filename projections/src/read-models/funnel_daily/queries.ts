import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { rate } from '../rate.ts';
import type { SalesRange } from '../sales_daily/queries.ts';
import { STAGES } from './tables.ts';

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
 * The read: $1 granularity, $2 and $3 the days, $4 a currency or null, $5 the limit. Its
 * where clause repeats the partial index's predicate, so the index answers it (exported for
 * that test).
 */
export const funnelSql = `
  select to_char(date_trunc($1, day), 'YYYY-MM-DD') as period, currency, count(*)::int8 as opened,
    count(*) filter (where stage >= ${STAGES.items})::int8 as items,
    count(*) filter (where stage >= ${STAGES.checkout})::int8 as checkouts,
    count(*) filter (where stage >= ${STAGES.placed})::int8 as placed,
    count(*) filter (where stage >= ${STAGES.paid})::int8 as paid
  from ${s}.funnel_carts
  where day is not null and not merged and day between $2 and $3 and ($4::text is null or currency = $4)
  group by 1, 2 order by 1, 2 limit $5`;

/**
 * The funnel of the carts opened between two shop days (both included), per bucket of their
 * opening day and currency, oldest first: each cart counts in every step up to the furthest
 * it reached. Carts merged into another are left out (their shopper went on there).
 */
export async function funnelByPeriod(pool: Pool, range: SalesRange): Promise<FunnelBucket[]> {
  const { rows } = await pool.query<Record<string, string | bigint>>(funnelSql, [
    range.granularity,
    range.from,
    range.to,
    range.currency ?? null,
    range.limit,
  ]);
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
