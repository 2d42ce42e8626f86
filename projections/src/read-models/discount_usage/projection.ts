import { checkoutDecider } from '@flowdose/domain/checkout/process';
import { discountDecider } from '@flowdose/domain/discount/decider';
import { orderDecider } from '@flowdose/domain/order/decider';
import { combineProjections, defineProjection, type Statement, sql } from '../../projection.ts';
import { shopDay } from '../shop-day.ts';
import { discountUsageTables } from './tables.ts';

const NAME = 'discount_usage';
const VERSION = 1;
const tables = discountUsageTables;

/** Codes are kept upper-case and matched without regard to case (the discount stream's rule). */
const codeOf = (code: string) => code.toUpperCase();

/** Counts the order's uses and releases not counted yet, once its currency is known. */
const settle = (s: string, orderId: string): Statement =>
  sql(
    `with due as (
       update ${s}.discount_usage_uses u set counted = true from ${s}.discount_usage_orders o
       where u.order_id = $1 and not u.counted and o.order_id = u.order_id
       returning u.day, u.code, o.currency, u.released)
     insert into ${s}.discount_usage as d (day, code, currency, uses, released_uses)
     select day, code, currency, count(*) filter (where not released), count(*) filter (where released)
     from due group by 1, 2, 3
     on conflict (day, code, currency) do update set uses = d.uses + excluded.uses,
       released_uses = d.released_uses + excluded.released_uses`,
    [orderId],
  );

/**
 * Discount codes per shop day, code and currency: `uses` are redemptions on their day,
 * `releasedUses` the uses given back on theirs (a checkout that failed after redeeming, an
 * order canceled), `discountGiven` and `revenue` the discount and grand total of the orders
 * placed with the code, on the order's day (a later cancel or refund does not change them:
 * sales_daily has those). The currency is the order's. A redemption waits in
 * discount_usage_uses until its order's currency is known (its checkout started first, in
 * practice), so events may come in any order; uses are keyed by event and an order is
 * counted once, so the same event applied twice counts nothing more.
 */
export const discountUsageProjection = combineProjections(
  defineProjection({
    name: NAME,
    version: VERSION,
    events: discountDecider.events,
    handles: ['DiscountRedeemed', 'DiscountRedemptionReleased'],
    tables,
    views: (s) => ({
      discount_usage: `select day, code, currency, uses, released_uses, discount_given, revenue
        from ${s}.discount_usage`,
    }),
    apply(event, recorded, s) {
      const { code, orderId } = event.data;
      return [
        sql(
          `insert into ${s}.discount_usage_uses (event_id, order_id, code, released, day) values ($1, $2, $3, $4, $5)
           on conflict (event_id) do nothing`,
          [
            recorded.id,
            orderId,
            codeOf(code),
            event.type === 'DiscountRedemptionReleased',
            shopDay(recorded.createdAt),
          ],
        ),
        settle(s, orderId),
      ];
    },
  }),
  defineProjection({
    name: NAME,
    version: VERSION,
    events: checkoutDecider.events,
    handles: ['CheckoutStarted'],
    tables,
    apply(event, _recorded, s) {
      const { orderId, plan } = event.data;
      if (plan.order.discountCode === undefined) return [];
      return [
        sql(
          `insert into ${s}.discount_usage_orders (order_id, currency) values ($1, $2) on conflict (order_id) do nothing`,
          [orderId, plan.currency],
        ),
        settle(s, orderId),
      ];
    },
  }),
  defineProjection({
    name: NAME,
    version: VERSION,
    events: orderDecider.events,
    handles: ['OrderPlaced'],
    tables,
    apply(event, recorded, s) {
      const { orderId, currency, discountCode, totals } = event.data;
      if (discountCode === undefined) return [];
      return [
        sql(
          `with placed as (
             insert into ${s}.discount_usage_orders as o (order_id, currency, placed) values ($1, $2, true)
             on conflict (order_id) do update set placed = true where not o.placed
             returning order_id)
           insert into ${s}.discount_usage as d (day, code, currency, discount_given, revenue)
           select $3, $4, $2, $5, $6 from placed
           on conflict (day, code, currency) do update set discount_given = d.discount_given + excluded.discount_given,
             revenue = d.revenue + excluded.revenue`,
          [orderId, currency, shopDay(recorded.createdAt), codeOf(discountCode), totals.discount, totals.grandTotal],
        ),
        settle(s, orderId),
      ];
    },
  }),
);
