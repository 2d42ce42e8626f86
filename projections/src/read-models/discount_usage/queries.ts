import type { DiscountUsageBucket } from '@flowdose/contract/query-api';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import type { SalesRange } from '../sales_daily/queries.ts';
import { type RowFor, viewOf } from '../view.ts';
import { DISCOUNT_USAGE } from './tables.ts';

const s = liveSchema(DISCOUNT_USAGE);
const bucketView = viewOf<DiscountUsageBucket>();

/**
 * Each code's uses, released uses, discount given and revenue per bucket and currency between
 * two shop days (both included), oldest first, then by code; `code` (any case) picks one.
 */
export async function discountUsageByPeriod(
  pool: Pool,
  range: SalesRange & { code?: string },
): Promise<DiscountUsageBucket[]> {
  const { rows } = await pool.query<RowFor<DiscountUsageBucket>>(
    // Summed per bucket first and only then written as text: formatting each day's row costs more.
    `select to_char(bucket, 'YYYY-MM-DD') as period, code, currency, uses, released_uses, discount_given, revenue
     from (
       select date_trunc($1, day) as bucket, code, currency,
         sum(uses)::int8 as uses, sum(released_uses)::int8 as released_uses,
         sum(discount_given)::int8 as discount_given, sum(revenue)::int8 as revenue
       from ${s}.discount_usage
       where day between $2 and $3 and ($4::text is null or currency = $4) and ($5::text is null or code = upper($5))
       group by 1, 2, 3 order by 1, 2, 3 limit $6) b
     order by b.bucket, b.code, b.currency`,
    [range.granularity, range.from, range.to, range.currency ?? null, range.code ?? null, range.limit],
  );
  return rows.map(bucketView);
}
