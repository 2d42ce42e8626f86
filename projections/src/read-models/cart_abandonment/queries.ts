import type { AbandonmentBucket } from '@flowdose/contract/query-api';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { rate } from '../rate.ts';
import type { SalesRange } from '../sales_daily/queries.ts';
import { shopDays } from '../shop-day.ts';
import { CART_ABANDONMENT } from './tables.ts';

const s = liveSchema(CART_ABANDONMENT);

/**
 * The read: $1 granularity, $2 and $3 the days, $4 a currency or null, $5 the limit, $6 the
 * instant before which an open cart's last activity makes it abandoned, $7 that instant's
 * shop day. Every open cart of a day before $7 was idle since before $6, so those days'
 * counts answer; only the carts of $7 and after are looked at one by one (the index holds
 * the open ones). Summed per bucket first and only then written as text. Exported for the
 * test of its plan.
 */
export const abandonmentSql = `
  select to_char(period, 'YYYY-MM-DD') as period, currency, carts, abandoned, abandoned_value
  from (select date_trunc($1, last_day) as period, currency, sum(carts)::int8 as carts,
          sum(abandoned)::int8 as abandoned, sum(abandoned_value)::int8 as abandoned_value
        from (select last_day, currency, carts,
                case when last_day < $7 then open_carts else 0 end as abandoned,
                case when last_day < $7 then open_value else 0 end as abandoned_value
              from ${s}.cart_abandonment_days
              where last_day between $2 and $3 and ($4::text is null or currency = $4)
              union all
              select last_day, currency, 0, count(*), sum(value)
              from ${s}.cart_abandonment
              where lines > 0 and status = 'open' and last_day >= $7 and last_activity < $6
                and last_day between $2 and $3 and ($4::text is null or currency = $4)
              group by last_day, currency) d
        group by 1, 2 order by 1, 2 limit $5) b
  order by b.period, currency`;

/**
 * Carts holding items (checked out or not; merged ones gave their lines to another cart) per
 * bucket of their last activity's shop day and currency, oldest first; of those, the
 * abandoned ones: still open and idle for longer than `abandonedAfterHours` at `now`, days in
 * `timeZone` (SHOP_TIME_ZONE, as the model was projected in).
 * Decided here, at the time asked, so the model needs no timer.
 */
export async function abandonmentByPeriod(
  pool: Pool,
  range: SalesRange & { now: Date; abandonedAfterHours: number; timeZone: string },
): Promise<AbandonmentBucket[]> {
  const idleSince = new Date(range.now.getTime() - range.abandonedAfterHours * 3_600_000);
  const { rows } = await pool.query<
    Pick<AbandonmentBucket, 'period' | 'currency'> & Record<'carts' | 'abandoned' | 'abandoned_value', bigint>
  >(abandonmentSql, [
    range.granularity,
    range.from,
    range.to,
    range.currency ?? null,
    range.limit,
    idleSince,
    shopDays(range.timeZone)(idleSince),
  ]);
  return rows.map((r) => ({
    period: r.period,
    currency: r.currency,
    cartsWithItems: Number(r.carts),
    abandonedCarts: Number(r.abandoned),
    abandonedValue: Number(r.abandoned_value),
    abandonmentRate: rate(Number(r.abandoned), Number(r.carts)),
  }));
}
