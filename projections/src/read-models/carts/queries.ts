import type { CartView } from '@flowdose/contract/query-api';
import { itemCountOf, subtotalOf } from '@flowdose/domain/cart/totals';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { CARTS, type CartLineRow, type CartRow } from './tables.ts';

const s = liveSchema(CARTS);

type LineJson = Pick<CartLineRow, 'line_id' | 'sku' | 'quantity'> & { unit_price: number };

export async function findCart(pool: Pool, cartId: string): Promise<CartView | null> {
  const { rows } = await pool.query<
    Pick<CartRow, 'currency' | 'customer_id' | 'status' | 'updated_at'> & { lines: LineJson[] }
  >(
    `select c.currency, c.customer_id, c.status, c.updated_at,
            coalesce(json_agg(json_build_object('line_id', l.line_id, 'sku', l.sku, 'quantity', l.quantity,
              'unit_price', l.unit_price) order by l.added_at_position) filter (where l.line_id is not null), '[]') as lines
     from ${s}.carts c left join ${s}.cart_lines l on l.cart_id = c.cart_id
     where c.cart_id = $1
     group by c.cart_id`,
    [cartId],
  );
  const row = rows[0];
  if (!row) return null;
  const currency = row.currency;
  const lines = row.lines.map((l): CartView['lines'][number] => ({
    lineId: l.line_id,
    sku: l.sku,
    quantity: l.quantity,
    unitPrice: { amount: l.unit_price, currency },
    lineTotal: { amount: l.unit_price * l.quantity, currency },
  }));
  return {
    cartId,
    customerId: row.customer_id,
    currency,
    status: row.status,
    lines,
    totals: {
      itemCount: itemCountOf(lines),
      subtotal: { amount: subtotalOf(lines), currency },
    },
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The customer's most recently touched open cart other than `except`. */
export async function openCartOf(pool: Pool, customerId: string, except: string): Promise<string | null> {
  const { rows } = await pool.query<Pick<CartRow, 'cart_id'>>(
    `select cart_id from ${s}.carts
     where customer_id = $1 and status = 'open' and cart_id <> $2 order by updated_at desc limit 1`,
    [customerId, except],
  );
  return rows[0]?.cart_id ?? null;
}
