import { orderDecider } from '@flowdose/domain/order/decider';
import { defineChunkProjection, source, sql } from '../../projection.ts';
import { columns } from '../columns.ts';
import type { ShopDay } from '../shop-day.ts';
import { foldSales, type SalesEvent } from './fold.ts';
import { SALES_DAILY, salesDailyTables } from './tables.ts';

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
 *
 * A chunk is folded first (sums per day and currency, each customer's first order…) and sent
 * as arrays, a statement per table, instead of four statements per order.
 */
export const salesDailyProjection = (shopDay: ShopDay) =>
  defineChunkProjection({
    name: SALES_DAILY,
    version: 3, // 2: new_customers, returning_customers and their two tables; 3: applied a chunk at a time
    sources: [source(orderDecider.events, ['OrderPlaced', 'OrderRefunded', 'OrderCanceled'])],
    tables: salesDailyTables,
    // sales_orders is this model's own bookkeeping: analysts read orders from analytics.orders.
    views: (s) => ({
      sales_daily: `select day, currency, orders, items, subtotal, discounts, shipping, tax, gross, refunds,
      canceled_orders, canceled, new_customers, returning_customers from ${s}.sales_daily`,
    }),
    applyChunk(events, s) {
      const { orders, sums, followUps, refunded, firstOrders, customerDays } = foldSales(
        events.map(({ event, recorded }): SalesEvent => {
          const day = shopDay(recorded.createdAt);
          switch (event.type) {
            case 'OrderPlaced': {
              const { orderId, currency, lines, totals } = event.data;
              return {
                type: event.type,
                orderId,
                day,
                currency,
                customer: customerKey(event.data),
                items: lines.reduce((sum, l) => sum + l.quantity, 0),
                ...totals,
              };
            }
            case 'OrderRefunded':
              return { type: event.type, orderId: event.data.orderId, day, amount: event.data.amount };
            case 'OrderCanceled':
              return { type: event.type, orderId: event.data.orderId, day };
            default: {
              const _exhaustive: never = event;
              return _exhaustive;
            }
          }
        }),
      );
      return [
        sql(
          `insert into ${s}.sales_orders (order_id, currency, grand_total)
         select * from unnest($1::uuid[], $2::text[], $3::bigint[])`,
          columns(orders, ['orderId', 'currency', 'grandTotal']),
        ),
        // The orders' sums, and each refund and cancel on its day in its order's currency (one the
        // store does not know changes nothing): a cancel takes off what was not refunded before it.
        sql(
          `with rows as (
           select * from unnest($1::date[], $2::text[], $3::int[], $4::int[], $5::bigint[], $6::bigint[],
             $7::bigint[], $8::bigint[], $9::bigint[])
             as p(day, currency, orders, items, subtotal, discounts, shipping, tax, gross),
             lateral (select 0::bigint as refunds, 0 as canceled_orders, 0::bigint as canceled) z
           union all
           select f.day, o.currency, 0, 0, 0, 0, 0, 0, 0, f.refund, f.cancel::int,
             case when f.cancel then greatest(o.grand_total - o.refunded - f.refunded_before, 0) else 0 end
           from unnest($10::uuid[], $11::date[], $12::bigint[], $13::bool[], $14::bigint[])
             as f(order_id, day, refund, cancel, refunded_before)
           join ${s}.sales_orders o using (order_id))
         insert into ${s}.sales_daily as d (day, currency, orders, items, subtotal, discounts, shipping, tax, gross,
           refunds, canceled_orders, canceled)
         select day, currency, sum(orders), sum(items), sum(subtotal), sum(discounts), sum(shipping), sum(tax),
           sum(gross), sum(refunds), sum(canceled_orders), sum(canceled)
         from rows group by day, currency
         on conflict (day, currency) do update set orders = d.orders + excluded.orders,
           items = d.items + excluded.items, subtotal = d.subtotal + excluded.subtotal,
           discounts = d.discounts + excluded.discounts, shipping = d.shipping + excluded.shipping,
           tax = d.tax + excluded.tax, gross = d.gross + excluded.gross, refunds = d.refunds + excluded.refunds,
           canceled_orders = d.canceled_orders + excluded.canceled_orders, canceled = d.canceled + excluded.canceled`,
          [
            ...columns(sums, [
              'day',
              'currency',
              'orders',
              'items',
              'subtotal',
              'discounts',
              'shipping',
              'tax',
              'gross',
            ]),
            ...columns(followUps, ['orderId', 'day', 'refund', 'cancel', 'refundedBefore']),
          ],
        ),
        // After the statement above read what was refunded before the chunk.
        sql(
          `update ${s}.sales_orders o set refunded = o.refunded + r.amount
         from unnest($1::uuid[], $2::bigint[]) as r(order_id, amount) where o.order_id = r.order_id`,
          [[...refunded.keys()], [...refunded.values()]],
        ),
        sql(
          `insert into ${s}.sales_customers (customer, first_day, first_currency)
         select * from unnest($1::text[], $2::date[], $3::text[]) on conflict (customer) do nothing`,
          [[...firstOrders.keys()], ...columns([...firstOrders.values()], ['day', 'currency'])],
        ),
        // A customer counts once per day and currency: new there if their first order was.
        sql(
          `with seen as (
           insert into ${s}.sales_customer_days (customer, day, currency)
           select * from unnest($1::text[], $2::date[], $3::text[]) on conflict do nothing
           returning customer, day, currency)
         insert into ${s}.sales_daily as d (day, currency, new_customers, returning_customers)
         select seen.day, seen.currency, count(*) filter (where first), count(*) filter (where not first)
         from seen join ${s}.sales_customers c using (customer),
           lateral (select c.first_day = seen.day and c.first_currency = seen.currency as first) f
         group by seen.day, seen.currency
         on conflict (day, currency) do update set new_customers = d.new_customers + excluded.new_customers,
           returning_customers = d.returning_customers + excluded.returning_customers`,
          columns(customerDays, ['customer', 'day', 'currency']),
        ),
      ];
    },
  });
