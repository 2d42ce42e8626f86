import type { StockDetail, StockItem } from '@flowdose/contract/query-api';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { skuProductsSql } from '../catalog/sku-products.ts';
import { containing } from '../like.ts';
import { viewOf } from '../view.ts';
import { INVENTORY, type ReservationRow, type StockRow } from './tables.ts';

const s = liveSchema(INVENTORY);

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

// Every SKU that has stock or is a variant in the catalog (a variant never stocked has 0 of
// everything; stock of a removed variant has no product), with its product.
const STOCK_ITEMS = `(select coalesce(st.sku, vp.sku) as sku, coalesce(st.on_hand, 0) as on_hand,
    coalesce(st.reserved, 0) as reserved, coalesce(st.available, 0) as available, vp.product_id, vp.title
  from ${s}.stock st full join ${skuProductsSql} vp on vp.sku = st.sku) i`;

type StockItemRow = Pick<StockRow, 'sku' | 'on_hand' | 'reserved' | 'available'> & {
  product_id: string | null;
  title: string | null;
};
const stockItem = viewOf<StockItem>();
const holdView = viewOf<StockDetail['holds'][number]>();

/** Staff's stock list by SKU, by keyset on it; `atMost` keeps SKUs with that many available or fewer. */
export async function listStock(
  pool: Pool,
  { q, atMost, after, limit }: { q?: string; atMost?: number; after?: string; limit: number },
): Promise<{ items: StockItem[]; last: string | null; more: boolean }> {
  const { rows } = await pool.query<StockItemRow>(
    `select * from ${STOCK_ITEMS}
     where ($1::text is null or i.sku ilike $1 or i.title ilike $1)
       and ($2::int is null or i.available <= $2) and ($3::text is null or i.sku > $3)
     order by i.sku limit $4`,
    [q ? containing(q) : null, atMost ?? null, after ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  return { items: page.map(stockItem), last: page.at(-1)?.sku ?? null, more: rows.length > limit };
}

/** The SKUs with the fewest units available, at most `atMost`, lowest first. */
export async function lowStock(pool: Pool, atMost: number, limit: number): Promise<StockItem[]> {
  const { rows } = await pool.query<StockItemRow>(
    `select * from ${STOCK_ITEMS} where i.available <= $1 order by i.available, i.sku limit $2`,
    [atMost, limit],
  );
  return rows.map(stockItem);
}

/** One SKU's stock and its open holds, oldest first; null for a SKU neither stocked nor sold. */
export async function findStock(pool: Pool, sku: string): Promise<StockDetail | null> {
  const [{ rows }, holds] = await Promise.all([
    pool.query<StockItemRow>(`select * from ${STOCK_ITEMS} where i.sku = $1`, [sku]),
    pool.query<Omit<ReservationRow, 'sku'>>(
      `select reservation_id, order_id, quantity, held_at, expires_at from ${s}.reservations
       where sku = $1 order by held_at, reservation_id`,
      [sku],
    ),
  ]);
  if (!rows[0]) return null;
  return { ...stockItem(rows[0]), holds: holds.rows.map(holdView) };
}
