import type { DiscountItem } from '@flowdose/contract/query-api';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { DISCOUNTS, type DiscountRow } from './tables.ts';

const s = liveSchema(DISCOUNTS);

const item = (r: DiscountRow): DiscountItem => ({
  code: r.code,
  value: r.value,
  minimum: r.minimum,
  startsAt: r.starts_at?.toISOString() ?? null,
  endsAt: r.ends_at?.toISOString() ?? null,
  usageLimit: r.usage_limit,
  uses: r.redemptions - r.released_uses,
  releasedUses: r.released_uses,
  disabled: r.disabled,
  createdAt: r.created_at.toISOString(),
});

/** Every code, newest first, by keyset on (created_at, code). */
export async function listDiscounts(
  pool: Pool,
  { after, limit }: { after?: [string, string]; limit: number },
): Promise<{ items: DiscountItem[]; last: [string, string] | null; more: boolean }> {
  const { rows } = await pool.query<DiscountRow>(
    `select * from ${s}.discounts
     where $1::timestamptz is null or (created_at, code) < ($1::timestamptz, $2::text)
     order by created_at desc, code desc limit $3`,
    [after?.[0] ?? null, after?.[1] ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  const lastRow = page.at(-1);
  return {
    items: page.map(item),
    last: lastRow ? [lastRow.created_at.toISOString(), lastRow.code] : null,
    more: rows.length > limit,
  };
}
