import { orderDecider } from '@flowdose/domain/order/decider';
import { defineProjection, sql } from '../../projection.ts';
import { shopDay } from '../shop-day.ts';
import { salesDailyTables } from './tables.ts';

/**
 * Sales per shop day and currency. An order counts on the day it was placed; a refund on the
 * day it was made. A cancel counts on its day, and takes off what of the order was never
 * refunded: a paid order's cancel refunds it first (OrderRefunded, then OrderCanceled), so
 * only an unpaid order's total is taken off as `canceled`, and nothing twice.
 */
export const salesDailyProjection = defineProjection({
  name: 'sales_daily',
  version: 1,
  events: orderDecider.events,
  handles: ['OrderPlaced', 'OrderRefunded', 'OrderCanceled'],
  tables: salesDailyTables,
  // sales_orders is this model's own bookkeeping: analysts read orders from analytics.orders.
  views: (s) => ({
    sales_daily: `select day, currency, orders, items, subtotal, discounts, shipping, tax, gross, refunds,
      canceled_orders, canceled from ${s}.sales_daily`,
  }),
  apply(event, recorded, s) {
    const day = shopDay(recorded.createdAt);
    switch (event.type) {
      case 'OrderPlaced': {
        const { orderId, currency, lines, totals } = event.data;
        const items = lines.reduce((sum, l) => sum + l.quantity, 0);
        return [
          sql(`insert into ${s}.sales_orders (order_id, currency, grand_total) values ($1, $2, $3)`, [
            orderId,
            currency,
            totals.grandTotal,
          ]),
          sql(
            `insert into ${s}.sales_daily as d (day, currency, orders, items, subtotal, discounts, shipping, tax, gross)
             values ($1, $2, 1, $3, $4, $5, $6, $7, $8)
             on conflict (day, currency) do update set orders = d.orders + 1, items = d.items + excluded.items,
               subtotal = d.subtotal + excluded.subtotal, discounts = d.discounts + excluded.discounts,
               shipping = d.shipping + excluded.shipping, tax = d.tax + excluded.tax, gross = d.gross + excluded.gross`,
            [day, currency, items, totals.subtotal, totals.discount, totals.shipping, totals.tax, totals.grandTotal],
          ),
        ];
      }
      case 'OrderRefunded': {
        const { orderId, amount } = event.data;
        return [
          sql(`update ${s}.sales_orders set refunded = refunded + $2 where order_id = $1`, [orderId, amount]),
          sql(
            `insert into ${s}.sales_daily as d (day, currency, refunds)
             select $1, currency, $3 from ${s}.sales_orders where order_id = $2
             on conflict (day, currency) do update set refunds = d.refunds + excluded.refunds`,
            [day, orderId, amount],
          ),
        ];
      }
      case 'OrderCanceled':
        return [
          sql(
            `insert into ${s}.sales_daily as d (day, currency, canceled_orders, canceled)
             select $1, currency, 1, greatest(grand_total - refunded, 0) from ${s}.sales_orders where order_id = $2
             on conflict (day, currency) do update set canceled_orders = d.canceled_orders + 1,
               canceled = d.canceled + excluded.canceled`,
            [day, event.data.orderId],
          ),
        ];
      default: {
        const _exhaustive: never = event;
        return [];
      }
    }
  },
});
