import { orderDecider } from '@flowdose/domain/order/decider';
import { defineProjection, sql } from '../../projection.ts';
import { shopDay } from '../shop-day.ts';
import { salesDailyTables } from './tables.ts';

/** Who ordered: the account, else the guest's e-mail (any case: the same shopper). */
const customerKey = ({ customerId, email }: { customerId: string | null; email: string }) =>
  customerId ?? `email:${email.trim().toLowerCase()}`;

/**
 * Sales per shop day and currency. An order counts on the day it was placed; a refund on the
 * day it was made. A cancel counts on its day, and takes off what of the order was never
 * refunded: a paid order's cancel refunds it first (OrderRefunded, then OrderCanceled), so
 * only an unpaid order's total is taken off as `canceled`, and nothing twice.
 *
 * New and returning customers: a customer is the account that ordered, else the order's
 * e-mail lower-cased (a guest). On each day and currency they ordered in, a customer counts
 * once: as new where their very first order was placed (that day, that currency), as
 * returning anywhere else, a second currency on their first day included (they had ordered
 * before, minutes earlier). So new + returning are the customers who ordered in the row.
 */
export const salesDailyProjection = defineProjection({
  name: 'sales_daily',
  version: 2, // 2: new_customers, returning_customers and their two tables
  events: orderDecider.events,
  handles: ['OrderPlaced', 'OrderRefunded', 'OrderCanceled'],
  tables: salesDailyTables,
  // sales_orders is this model's own bookkeeping: analysts read orders from analytics.orders.
  views: (s) => ({
    sales_daily: `select day, currency, orders, items, subtotal, discounts, shipping, tax, gross, refunds,
      canceled_orders, canceled, new_customers, returning_customers from ${s}.sales_daily`,
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
          // Statements run in order: the second sees the customer the first may have added.
          sql(
            `insert into ${s}.sales_customers (customer, first_day, first_currency) values ($1, $2, $3)
             on conflict (customer) do nothing`,
            [customerKey(event.data), day, currency],
          ),
          sql(
            `with seen as (
               insert into ${s}.sales_customer_days (customer, day, currency) values ($1, $2::date, $3::text)
               on conflict do nothing returning customer)
             insert into ${s}.sales_daily as d (day, currency, new_customers, returning_customers)
             select $2, $3, first::int, (not first)::int
             from (select c.first_day = $2 and c.first_currency = $3 as first
                   from seen join ${s}.sales_customers c using (customer)) f
             on conflict (day, currency) do update set new_customers = d.new_customers + excluded.new_customers,
               returning_customers = d.returning_customers + excluded.returning_customers`,
            [customerKey(event.data), day, currency],
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
