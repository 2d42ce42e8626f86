import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { rate } from '../rate.ts';
import type { SalesRange } from '../sales_daily/queries.ts';

const s = liveSchema('cart_abandonment');

/**
 * The read: $1 granularity, $2 and $3 the days, $4 a currency or null, $5 the limit, $6 the
 * instant before which an open cart's last activity makes it abandoned. Its where clause
 * repeats the partial index's predicate, so the index answers it (exported for that test).
 */
export const abandonmentSql = `
  select to_char(date_trunc($1, last_day), 'YYYY-MM-DD') as period, currency, count(*)::int8 as carts,
    count(*) filter (where status = 'open' and last_activity < $6)::int8 as abandoned,
    coalesce(sum(value) filter (where status = 'open' and last_activity < $6), 0)::int8 as abandoned_value
  from ${s}.cart_abandonment
  where lines > 0 and status <> 'merged' and last_day between $2 and $3 and ($4::text is null or currency = $4)
  group by 1, 2 order by 1, 2 limit $5`;

export type AbandonmentBucket = {
  /** The first day of the bucket of the carts' last activity (a week starts on Monday). */
  period: string;
  currency: string;
  cartsWithItems: number;
  abandonedCarts: number;
  abandonedValue: number;
  abandonmentRate: number | null;
};

/**
 * Carts holding items (checked out or not; merged ones gave their lines to another cart) per
 * bucket of their last activity's shop day and currency, oldest first; of those, the
 * abandoned ones: still open and idle for longer than `abandonedAfterHours` at `now`.
 * Decided here, at the time asked, so the model needs no timer.
 */
export async function abandonmentByPeriod(
  pool: Pool,
  range: SalesRange & { now: Date; abandonedAfterHours: number },
): Promise<AbandonmentBucket[]> {
  const idleSince = new Date(range.now.getTime() - range.abandonedAfterHours * 3_600_000);
  const { rows } = await pool.query<Record<string, string | bigint>>(abandonmentSql, [
    range.granularity,
    range.from,
    range.to,
    range.currency ?? null,
    range.limit,
    idleSince,
  ]);
  return rows.map((r) => ({
    period: String(r.period),
    currency: String(r.currency),
    cartsWithItems: Number(r.carts),
    abandonedCarts: Number(r.abandoned),
    abandonedValue: Number(r.abandoned_value),
    abandonmentRate: rate(Number(r.abandoned), Number(r.carts)),
  }));
}
