import { orderDecider } from '@flowdose/domain/order/decider';
import type { OrderEvent } from '@flowdose/domain/order/events';
import { STATUS_AFTER } from '@flowdose/domain/order/lifecycle';
import { defineProjection, sql } from '../../projection.ts';
import { ORDERS, type OrderHistoryEntry, ordersTables, ordersViews } from './tables.ts';

// The statuses the events after placement leave an order in, named once in the domain.
const { OrderPlaced: _placed, ...STATUS } = STATUS_AFTER satisfies Partial<Record<OrderEvent['type'], string>>;

export const ordersProjection = defineProjection({
  name: ORDERS,
  version: 2,
  // The intents of order steps (OrderStepRequested, OrderStepFailed), voids and expiry
  // tombstones change no column here: the audit reads them from the log itself.
  events: orderDecider.events,
  handles: ['OrderPlaced', 'OrderRefunded', ...(Object.keys(STATUS) as (keyof typeof STATUS)[])],
  tables: ordersTables,
  views: ordersViews,
  apply(event, recorded, s) {
    const at = recorded.createdAt;
    const step = (entry: Omit<OrderHistoryEntry, 'at'>) => JSON.stringify([{ ...entry, at: at.toISOString() }]);
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
    const status = STATUS[event.type];
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
