import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import type { ReservationRow } from './tables.ts';

const s = liveSchema('inventory');

/**
 * SQL for a SKU's available units (never below 0; 0 for a SKU never stocked), for the catalog's
 * queries to embed: the query side shows availability beside products in one statement, and the
 * inventory tables are still named in this module only.
 */
export const availableSql = (sku: string) =>
  `coalesce((select greatest(st.available, 0) from ${s}.stock st where st.sku = ${sku}), 0)`;

export type ExpiredReservation = { reservationId: string; sku: string; orderId: string | null };

/** Reservations whose hold ran out before `before`, the oldest first. */
export async function expiredReservations(pool: Pool, before: Date, limit: number): Promise<ExpiredReservation[]> {
  const { rows } = await pool.query<Pick<ReservationRow, 'reservation_id' | 'sku' | 'order_id'>>(
    `select reservation_id, sku, order_id from ${s}.reservations
     where expires_at < $1 order by expires_at limit $2`,
    [before, limit],
  );
  return rows.map((r) => ({ reservationId: r.reservation_id, sku: r.sku, orderId: r.order_id }));
}
