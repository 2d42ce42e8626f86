import type { FunnelBucket } from '@flowdose/contract/query-api';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { rate } from '../rate.ts';
import type { SalesRange } from '../sales_daily/queries.ts';
import { FUNNEL_DAILY } from './tables.ts';

const s = liveSchema(FUNNEL_DAILY);

/**
 * The read: $1 granularity, $2 and $3 the days, $4 a currency or null, $5 the limit. Summed
 * per bucket first and only then written as text: formatting each day's row costs more.
 * Exported for the test of its plan.
 */
export const funnelSql = `
  select to_char(period, 'YYYY-MM-DD') as period, currency, opened, items, checkouts, placed, paid
  from (select date_trunc($1, day) as period, currency, sum(opened)::int8 as opened, sum(items)::int8 as items,
          sum(checkouts)::int8 as checkouts, sum(placed)::int8 as placed, sum(paid)::int8 as paid
        from ${s}.funnel_counts
        where day between $2 and $3 and ($4::text is null or currency = $4)
        group by 1, 2 order by 1, 2 limit $5) b
  order by b.period, currency`;

/**
 * The funnel of the carts opened between two shop days (both included), per bucket of their
 * opening day and currency, oldest first: each cart counts in every step up to the furthest
 * it reached. Carts merged into another are left out (their shopper went on there).
 */
export async function funnelByPeriod(pool: Pool, range: SalesRange): Promise<FunnelBucket[]> {
  const { rows } = await pool.query<
    Pick<FunnelBucket, 'period' | 'currency'> & Record<'opened' | 'items' | 'checkouts' | 'placed' | 'paid', bigint>
  >(funnelSql, [range.granularity, range.from, range.to, range.currency ?? null, range.limit]);
  return rows.map((r) => {
    const [opened, items, checkouts, placed, paid] = [r.opened, r.items, r.checkouts, r.placed, r.paid].map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    return {
      period: r.period,
      currency: r.currency,
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
