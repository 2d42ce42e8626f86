import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import type { OrderHistoryEntry, OrderRow } from './tables.ts';

const s = liveSchema('orders');

export type OrderView = {
  orderId: string;
  cartId: string;
  customerId: string | null;
  email: string;
  currency: string;
  status: string;
  lines: unknown[];
  totals: Record<string, number>;
  shippingAddress: Record<string, string>;
  shippingMethod: string;
  trackingNumber: string | null;
  discountCode: string | null;
  captured: number;
  refunded: number;
  history: OrderHistoryEntry[];
  placedAt: string;
};

const toView = (r: OrderRow): OrderView => ({
  orderId: r.order_id,
  cartId: r.cart_id,
  customerId: r.customer_id,
  email: r.email,
  currency: r.currency,
  status: r.status,
  lines: r.lines,
  totals: r.totals,
  shippingAddress: r.shipping_address,
  shippingMethod: r.shipping_method,
  trackingNumber: r.tracking_number,
  discountCode: r.discount_code,
  captured: Number(r.captured),
  refunded: Number(r.refunded),
  history: r.history,
  placedAt: r.placed_at.toISOString(),
});

export async function findOrder(pool: Pool, orderId: string): Promise<OrderView | null> {
  const { rows } = await pool.query<OrderRow>(`select * from ${s}.orders where order_id = $1`, [orderId]);
  return rows[0] ? toView(rows[0]) : null;
}

/** A customer's orders, newest first. */
export async function ordersOf(pool: Pool, customerId: string, limit = 50): Promise<OrderView[]> {
  const { rows } = await pool.query<OrderRow>(
    `select * from ${s}.orders where customer_id = $1 order by placed_at desc, order_id desc limit $2`,
    [customerId, limit],
  );
  return rows.map(toView);
}

export type OrderFilter = {
  status?: string;
  from?: Date;
  to?: Date;
  /** A customer id, or an email (guests have only that). */
  customer?: { id: string } | { email: string };
  after?: [string | number, string];
  limit: number;
};

export type OrderSummary = {
  orderId: string;
  customerId: string | null;
  email: string;
  status: string;
  currency: string;
  grandTotal: number;
  placedAt: string;
};

/** Staff's order list, newest first, by keyset on (placed_at, order_id). */
export async function listOrders(
  pool: Pool,
  filter: OrderFilter,
): Promise<{ items: OrderSummary[]; last: [string, string] | null; more: boolean }> {
  const params: unknown[] = [];
  const where: string[] = ['true'];
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (filter.status) add((n) => `status = $${n}`, filter.status);
  if (filter.from) add((n) => `placed_at >= $${n}`, filter.from);
  if (filter.to) add((n) => `placed_at < $${n}`, filter.to);
  if (filter.customer && 'id' in filter.customer) add((n) => `customer_id = $${n}`, filter.customer.id);
  if (filter.customer && 'email' in filter.customer) add((n) => `lower(email) = lower($${n})`, filter.customer.email);
  if (filter.after) {
    params.push(filter.after[0]);
    add((n) => `(placed_at, order_id) < ($${n - 1}::timestamptz, $${n}::uuid)`, filter.after[1]);
  }
  params.push(filter.limit + 1);
  const { rows } = await pool.query<
    Pick<OrderRow, 'order_id' | 'customer_id' | 'email' | 'status' | 'currency' | 'placed_at'> & { grand_total: string }
  >(
    `select order_id, customer_id, email, status, currency, totals->>'grandTotal' as grand_total, placed_at
     from ${s}.orders where ${where.join(' and ')}
     order by placed_at desc, order_id desc limit $${params.length}`,
    params,
  );
  const page = rows.slice(0, filter.limit);
  const lastRow = page.at(-1);
  return {
    items: page.map((r) => ({
      orderId: r.order_id,
      customerId: r.customer_id,
      email: r.email,
      status: r.status,
      currency: r.currency,
      grandTotal: Number(r.grand_total),
      placedAt: r.placed_at.toISOString(),
    })),
    last: lastRow ? [lastRow.placed_at.toISOString(), lastRow.order_id] : null,
    more: rows.length > filter.limit,
  };
}
