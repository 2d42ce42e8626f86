import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';

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
  captured: number;
  refunded: number;
  history: { status: string; at: string; amount?: number }[];
  placedAt: string;
};

type Row = {
  order_id: string;
  cart_id: string;
  customer_id: string | null;
  email: string;
  currency: string;
  status: string;
  lines: unknown[];
  totals: Record<string, number>;
  shipping_address: Record<string, string>;
  shipping_method: string;
  tracking_number: string | null;
  captured: bigint;
  refunded: bigint;
  history: OrderView['history'];
  placed_at: Date;
};

const toView = (r: Row): OrderView => ({
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
  captured: Number(r.captured),
  refunded: Number(r.refunded),
  history: r.history,
  placedAt: r.placed_at.toISOString(),
});

export async function findOrder(pool: Pool, orderId: string): Promise<OrderView | null> {
  const { rows } = await pool.query<Row>(`select * from ${s}.orders where order_id = $1`, [orderId]);
  return rows[0] ? toView(rows[0]) : null;
}

/** A customer's orders, newest first. */
export async function ordersOf(pool: Pool, customerId: string, limit = 50): Promise<OrderView[]> {
  const { rows } = await pool.query<Row>(
    `select * from ${s}.orders where customer_id = $1 order by placed_at desc, order_id desc limit $2`,
    [customerId, limit],
  );
  return rows.map(toView);
}
