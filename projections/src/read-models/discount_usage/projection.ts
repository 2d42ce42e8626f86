import { checkoutDecider } from '@flowdose/domain/checkout/process';
import { discountDecider } from '@flowdose/domain/discount/decider';
import { orderDecider } from '@flowdose/domain/order/decider';
import { defineChunkProjection, source, sql } from '../../projection.ts';
import { columns } from '../columns.ts';
import type { ShopDay } from '../shop-day.ts';
import { type DiscountEvent, foldDiscounts } from './fold.ts';
import { DISCOUNT_USAGE, discountUsageTables } from './tables.ts';

/**
 * Discount codes per shop day, code and currency: `uses` are redemptions on their day,
 * `releasedUses` the uses given back on theirs (a checkout that failed after redeeming, an
 * order canceled), `discountGiven` and `revenue` the discount and grand total of the orders
 * placed with the code, on the order's day (a later cancel or refund does not change them:
 * sales_daily has those). The currency is the order's. A redemption waits in
 * discount_usage_uses until its order's currency is known (its checkout started first, in
 * practice), so events may come in any order; uses are keyed by event and an order is
 * counted once, so the same event applied twice counts nothing more. A chunk is folded
 * first and sent as arrays: three statements, not two per event.
 */
export const discountUsageProjection = (shopDay: ShopDay) =>
  defineChunkProjection({
    name: DISCOUNT_USAGE,
    version: 2, // 2: applied a chunk at a time
    sources: [
      source(discountDecider.events, ['DiscountRedeemed', 'DiscountRedemptionReleased']),
      source(checkoutDecider.events, ['CheckoutStarted']),
      source(orderDecider.events, ['OrderPlaced']),
    ],
    tables: discountUsageTables,
    views: (s) => ({
      discount_usage: `select day, code, currency, uses, released_uses, discount_given, revenue
      from ${s}.discount_usage`,
    }),
    applyChunk(events, s) {
      const { uses, orders, placements, touched } = foldDiscounts(
        events.map(({ event, recorded }): DiscountEvent => {
          const at = recorded.createdAt;
          switch (event.type) {
            case 'DiscountRedeemed':
            case 'DiscountRedemptionReleased':
              return { type: event.type, eventId: recorded.id, orderId: event.data.orderId, code: event.data.code, at };
            case 'CheckoutStarted': {
              const { orderId, plan } = event.data;
              return { type: event.type, orderId, currency: plan.currency, code: plan.order.discountCode };
            }
            case 'OrderPlaced': {
              const { orderId, currency, discountCode, totals } = event.data;
              const { discount, grandTotal } = totals;
              return { type: event.type, orderId, currency, code: discountCode, at, discount, grandTotal };
            }
            default: {
              const _exhaustive: never = event;
              return _exhaustive;
            }
          }
        }),
        shopDay,
      );
      return [
        sql(
          `insert into ${s}.discount_usage_uses (event_id, order_id, code, released, day)
         select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::bool[], $5::date[])
         on conflict (event_id) do nothing`,
          [[...uses.keys()], ...columns([...uses.values()], ['orderId', 'code', 'released', 'day'])],
        ),
        // An order placed now (not before) adds its discount and grand total on its day.
        sql(
          `with placed as (
           insert into ${s}.discount_usage_orders as o (order_id, currency, placed)
           select * from unnest($1::uuid[], $2::text[], $3::bool[])
           on conflict (order_id) do update set placed = true where not o.placed and excluded.placed
           returning order_id, placed)
         insert into ${s}.discount_usage as d (day, code, currency, discount_given, revenue)
         select p.day, p.code, p.currency, sum(p.discount), sum(p.revenue)
         from placed join unnest($4::uuid[], $5::date[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])
           as p(order_id, day, code, currency, discount, revenue) using (order_id)
         where placed.placed group by p.day, p.code, p.currency
         on conflict (day, code, currency) do update set discount_given = d.discount_given + excluded.discount_given,
           revenue = d.revenue + excluded.revenue`,
          [
            [...orders.keys()],
            ...columns([...orders.values()], ['currency', 'placed']),
            [...placements.keys()],
            ...columns([...placements.values()], ['day', 'code', 'currency', 'discount', 'grandTotal']),
          ],
        ),
        // The uses of the chunk's orders not counted yet, once their order's currency is known.
        sql(
          `with due as (
           update ${s}.discount_usage_uses u set counted = true from ${s}.discount_usage_orders o
           where u.order_id = any($1::uuid[]) and not u.counted and o.order_id = u.order_id
           returning u.day, u.code, o.currency, u.released)
         insert into ${s}.discount_usage as d (day, code, currency, uses, released_uses)
         select day, code, currency, count(*) filter (where not released), count(*) filter (where released)
         from due group by 1, 2, 3
         on conflict (day, code, currency) do update set uses = d.uses + excluded.uses,
           released_uses = d.released_uses + excluded.released_uses`,
          [[...touched]],
        ),
      ];
    },
  });
