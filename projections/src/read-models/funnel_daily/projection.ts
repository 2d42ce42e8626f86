import { cartDecider } from '@flowdose/domain/cart/decider';
import { checkoutDecider } from '@flowdose/domain/checkout/process';
import { orderDecider } from '@flowdose/domain/order/decider';
import { defineChunkProjection, source, sql } from '../../projection.ts';
import { columns } from '../columns.ts';
import type { ShopDay } from '../shop-day.ts';
import { type FunnelEvent, foldFunnel } from './fold.ts';
import { FUNNEL_DAILY, funnelDailyTables, STAGES } from './tables.ts';

/** Each counted step of a set of carts (`n` is +1 or -1 per cart), summed per cohort. */
const STEP_SUMS = `sum(n) as opened, coalesce(sum(n) filter (where stage >= ${STAGES.items}), 0) as items,
  coalesce(sum(n) filter (where stage >= ${STAGES.checkout}), 0) as checkouts,
  coalesce(sum(n) filter (where stage >= ${STAGES.placed}), 0) as placed,
  coalesce(sum(n) filter (where stage >= ${STAGES.paid}), 0) as paid`;

/**
 * Carts followed from the shop day they were opened (their cohort, in their currency):
 * opened, ever held an item, had a checkout started (its plan names the cart), became an
 * order (OrderPlaced names its cart), had that order's payment captured. A cart's row keeps
 * the furthest step it reached, and it counts once in each step up to it: a retried
 * checkout, a second capture or a replayed event count nothing more, and events may come in
 * any order (a step before its CartOpened waits, uncounted, for its day). A step implies the
 * ones before it (an order without a recorded checkout, from before checkouts were
 * processes, still passed one), so each step is at most the one before.
 *
 * A guest cart merged into a customer's cart at sign-in (CartMerged) leaves its cohort: it
 * is counted nowhere, and its shopper's journey goes on in the cart it went into, which
 * gains its lines (CartItemAdded) and counts in that cart's own cohort. Otherwise one shopper
 * would be two carts, one of them lost at the items step when she in fact went on to buy.
 *
 * The counts per cohort (`funnel_counts`) move with the carts' rows: a chunk's carts are
 * counted out as they were and in as they are now, so a cart going from step a to b adds
 * one to the steps in (a, b], one whose CartOpened comes after its steps adds them all then,
 * and a merged one is taken out. The route reads those counts, a row per day and currency.
 */
export const funnelDailyProjection = (shopDay: ShopDay) =>
  defineChunkProjection({
    name: FUNNEL_DAILY,
    version: 2, // 2: funnel_counts
    sources: [
      source(cartDecider.events, ['CartOpened', 'CartItemAdded', 'CartMerged']),
      source(checkoutDecider.events, ['CheckoutStarted']),
      source(orderDecider.events, ['OrderPlaced', 'PaymentCaptured']),
    ],
    tables: funnelDailyTables,
    // Per cohort day and currency, as the route counts them; a merged cart counts nowhere.
    views: (s) => ({
      funnel_daily: `select day, currency, opened::int8 as carts_opened, items::int8 as carts_with_items,
      checkouts::int8 as checkouts_started, placed::int8 as orders_placed, paid::int8 as orders_paid
      from ${s}.funnel_counts`,
    }),
    applyChunk(events, s) {
      const { carts, orders } = foldFunnel(
        events.map(({ event, recorded }): FunnelEvent => {
          switch (event.type) {
            case 'CartOpened': {
              const { cartId, currency } = event.data;
              return { type: event.type, cartId, currency, day: shopDay(recorded.createdAt) };
            }
            case 'CartItemAdded':
            case 'CartMerged':
              return { type: event.type, cartId: event.data.cartId };
            case 'CheckoutStarted':
              return { type: event.type, orderId: event.data.orderId, cartId: event.data.plan.cartId };
            case 'OrderPlaced':
              return { type: event.type, orderId: event.data.orderId, cartId: event.data.cartId };
            case 'PaymentCaptured':
              return { type: event.type, orderId: event.data.orderId };
            default: {
              const _exhaustive: never = event;
              return _exhaustive;
            }
          }
        }),
      );
      return [
        sql(
          // The order's state after this chunk gives the step it brings its cart (placed, paid).
          // Then each cart's row as it was (`old`, the statement's snapshot) and as it is now
          // (`new`: the rows that changed), and the difference goes to the counts. No row is
          // written where nothing changed, so a replay moves no count.
          `with orders as (
           insert into ${s}.funnel_orders as o (order_id, cart_id, placed, paid)
           select * from unnest($6::uuid[], $7::uuid[], $8::bool[], $9::bool[])
           on conflict (order_id) do update set cart_id = coalesce(excluded.cart_id, o.cart_id),
             placed = o.placed or excluded.placed, paid = o.paid or excluded.paid
           returning cart_id, case when paid then ${STAGES.paid} when placed then ${STAGES.placed} end as stage),
         reached as (
           select cart_id, max(day) as day, max(currency) as currency, max(stage) as stage, bool_or(merged) as merged
           from (select * from unnest($1::uuid[], $2::date[], $3::text[], $4::int[], $5::bool[])
                   as c(cart_id, day, currency, stage, merged)
                 union all
                 select cart_id, null, null, stage, false from orders where cart_id is not null and stage is not null) r
           group by cart_id),
         old as (select c.* from ${s}.funnel_carts c join reached using (cart_id)),
         new as (
           insert into ${s}.funnel_carts as c (cart_id, day, currency, stage, merged)
           select cart_id, day, currency, stage, merged from reached
           on conflict (cart_id) do update set day = coalesce(c.day, excluded.day),
             currency = coalesce(c.currency, excluded.currency), stage = greatest(c.stage, excluded.stage),
             merged = c.merged or excluded.merged
           where (c.day is null and excluded.day is not null) or c.stage < excluded.stage
             or (excluded.merged and not c.merged)
           returning cart_id, day, currency, stage, merged),
         counted as (
           select day, currency, stage, 1 as n from new where day is not null and not merged
           union all
           select old.day, old.currency, old.stage, -1 from old join new using (cart_id)
           where old.day is not null and not old.merged),
         deltas as (select day, currency, ${STEP_SUMS} from counted group by day, currency)
         insert into ${s}.funnel_counts as f (day, currency, opened, items, checkouts, placed, paid)
         select * from deltas where (opened, items, checkouts, placed, paid) <> (0, 0, 0, 0, 0)
         on conflict (day, currency) do update set opened = f.opened + excluded.opened,
           items = f.items + excluded.items, checkouts = f.checkouts + excluded.checkouts,
           placed = f.placed + excluded.placed, paid = f.paid + excluded.paid`,
          [
            [...carts.keys()],
            ...columns([...carts.values()], ['day', 'currency', 'stage', 'merged']),
            [...orders.keys()],
            ...columns([...orders.values()], ['cartId', 'placed', 'paid']),
          ],
        ),
        // A cohort whose carts all left it (merged) counts nowhere: as if it never had a row,
        // so the table is the same however the events were chunked.
        sql(`delete from ${s}.funnel_counts where opened = 0`, []),
      ];
    },
  });
