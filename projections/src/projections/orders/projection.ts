import type { OrderEvent } from '@flowdose/domain/order/events';
import { defineProjection, type Statement } from '../../projection.ts';

const sql = (text: string, values: unknown[]): Statement => ({ text, values });

const STATUS: Partial<Record<OrderEvent['type'], string>> = {
  PaymentAuthorized: 'authorized',
  PaymentCaptured: 'captured',
  OrderFulfilled: 'fulfilled',
  OrderShipped: 'shipped',
  OrderDelivered: 'delivered',
  OrderCanceled: 'canceled',
};

export const ordersProjection = defineProjection({
  name: 'orders',
  version: 2,
  // The intents of order steps (OrderStepRequested, OrderStepFailed), voids and expiry
  // tombstones change no column here: the audit reads them from the log itself.
  handles: ['OrderPlaced', 'OrderRefunded', ...(Object.keys(STATUS) as OrderEvent['type'][])],
  tables: (s) => `
    create table ${s}.orders (
      order_id uuid primary key,
      cart_id uuid not null,
      customer_id uuid,
      email text not null,
      currency text not null,
      status text not null,
      lines jsonb not null,
      totals jsonb not null,
      shipping_address jsonb not null,
      shipping_method text not null,
      tracking_number text,
      discount_code text,
      captured bigint not null default 0,
      refunded bigint not null default 0,
      history jsonb not null,
      placed_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index on ${s}.orders (customer_id, placed_at desc);
    create index on ${s}.orders (status, placed_at desc);
    create index on ${s}.orders (placed_at desc, order_id desc);
    create index on ${s}.orders (lower(email), placed_at desc);`,
  apply(recorded, s) {
    const event = { type: recorded.type, data: recorded.data } as OrderEvent;
    const at = recorded.createdAt;
    const step = (entry: object) => JSON.stringify([{ ...entry, at: at.toISOString() }]);
    if (event.type === 'OrderPlaced') {
      const d = event.data;
      return [
        sql(
          `insert into ${s}.orders (order_id, cart_id, customer_id, email, currency, status, lines, totals,
             shipping_address, shipping_method, discount_code, history, placed_at, updated_at)
           values ($1, $2, $3, $4, $5, 'placed', $6, $7, $8, $9, $10, $11, $12, $12)`,
          [
            d.orderId,
            d.cartId,
            d.customerId,
            d.email,
            d.currency,
            JSON.stringify(d.lines),
            JSON.stringify(d.totals),
            JSON.stringify(d.shippingAddress),
            d.shippingMethod,
            d.discountCode ?? null,
            step({ status: 'placed' }),
            at,
          ],
        ),
      ];
    }
    const { orderId } = event.data;
    if (event.type === 'OrderRefunded') {
      return [
        sql(
          `update ${s}.orders set refunded = refunded + $2, history = history || $3::jsonb, updated_at = $4 where order_id = $1`,
          [orderId, event.data.amount, step({ status: 'refunded', amount: event.data.amount }), at],
        ),
      ];
    }
    const status = STATUS[event.type]!;
    return [
      sql(
        `update ${s}.orders set status = $2, history = history || $3::jsonb, updated_at = $4,
           captured = captured + $5, tracking_number = coalesce($6, tracking_number)
         where order_id = $1`,
        [
          orderId,
          status,
          step({ status }),
          at,
          event.type === 'PaymentCaptured' ? event.data.amount : 0,
          event.type === 'OrderShipped' ? event.data.trackingNumber : null,
        ],
      ),
    ];
  },
});
