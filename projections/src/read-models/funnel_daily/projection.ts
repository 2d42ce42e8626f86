import { cartDecider } from '@flowdose/domain/cart/decider';
import { checkoutDecider } from '@flowdose/domain/checkout/process';
import { orderDecider } from '@flowdose/domain/order/decider';
import { combineProjections, defineProjection, type Statement, sql } from '../../projection.ts';
import { shopDay } from '../shop-day.ts';
import { funnelDailyTables } from './tables.ts';

const NAME = 'funnel_daily';
const VERSION = 1;

/** The funnel's steps (the count columns) in order; a cart's `stage` is the index of the furthest it reached. */
const STEPS = ['carts_opened', 'carts_with_items', 'checkouts_started', 'orders_placed', 'orders_paid'] as const;
const ITEMS = STEPS.indexOf('carts_with_items');
const CHECKOUT = STEPS.indexOf('checkouts_started');
const ORDERED = STEPS.indexOf('orders_placed');
const PAID = STEPS.indexOf('orders_paid');

/**
 * Moves one cart forward (or out of its cohort) and its cohort's counts with it, in one
 * statement. `target` selects (cart_id, day, currency, stage, merged) for the event: day and
 * currency come from CartOpened only, the others leave them null. A cart counts in its
 * cohort at the level of its stage once its day is known and while it is not merged, at -1
 * otherwise; each count k moves by (now ≥ k) − (was ≥ k). So every cart counts once per
 * step whatever order its events come in (a step before CartOpened waits in funnel_carts),
 * and the same event applied twice moves nothing (stage only grows, merged only turns on).
 */
function advance(s: string, target: string, values: unknown[]): Statement {
  const level = (c: string) => `case when ${c}day is null or ${c}merged then -1 else ${c}stage end`;
  const counts = STEPS.map((_, k) => `(now >= ${k})::int - (was >= ${k})::int`).join(', ');
  return sql(
    `with target (cart_id, day, currency, stage, merged) as (${target}),
     old as (select c.cart_id, ${level('c.')} as level from ${s}.funnel_carts c join target using (cart_id)),
     new as (
       insert into ${s}.funnel_carts as c (cart_id, day, currency, stage, merged)
       select cart_id, day, currency, stage, merged from target
       on conflict (cart_id) do update set day = coalesce(c.day, excluded.day),
         currency = coalesce(c.currency, excluded.currency), stage = greatest(c.stage, excluded.stage),
         merged = c.merged or excluded.merged
       returning cart_id, day, currency, ${level('')} as level),
     moved as (
       select new.day, new.currency, coalesce(old.level, -1) as was, new.level as now
       from new left join old using (cart_id) where new.level <> coalesce(old.level, -1))
     insert into ${s}.funnel_daily as d (day, currency, ${STEPS.join(', ')})
     select day, currency, ${counts} from moved
     on conflict (day, currency) do update set ${STEPS.map((c) => `${c} = d.${c} + excluded.${c}`).join(', ')}`,
    values,
  );
}

/** A cart named by the event reaches `stage` (a later step implies the ones before it). */
const reach = (s: string, cartId: string, stage: number) =>
  advance(s, 'select $1::uuid, null::date, null::text, $2::smallint, false', [cartId, stage]);

/**
 * What the order's events so far say of it: its cart (from CheckoutStarted or OrderPlaced),
 * placed, paid. Each sets only what it knows, so they may come in any order.
 */
const noteOrder = (s: string, orderId: string, known: { cartId?: string; placed?: true; paid?: true }) =>
  sql(
    `insert into ${s}.funnel_orders as o (order_id, cart_id, placed, paid) values ($1, $2, $3, $4)
     on conflict (order_id) do update set cart_id = coalesce(excluded.cart_id, o.cart_id),
       placed = o.placed or excluded.placed, paid = o.paid or excluded.paid`,
    [orderId, known.cartId ?? null, known.placed ?? false, known.paid ?? false],
  );

/** The cart of a placed or paid order, once its cart is known, reaches that step. */
const reachOrder = (s: string, orderId: string) =>
  advance(
    s,
    `select cart_id, null::date, null::text, (case when paid then ${PAID} else ${ORDERED} end)::smallint, false
     from ${s}.funnel_orders where order_id = $1 and cart_id is not null and (placed or paid)`,
    [orderId],
  );

const tables = funnelDailyTables;

/**
 * Carts followed from the shop day they were opened (their cohort, in their currency):
 * opened, ever held an item, had a checkout started (its plan names the cart), became an
 * order (OrderPlaced names its cart), had that order's payment captured. Each cart counts at
 * most once per step: a retried checkout, a second capture or a replayed event count nothing
 * more. A step implies the ones before it (an order without a recorded checkout, from before
 * checkouts were processes, still passed one), so each step is at most the one before.
 *
 * A guest cart merged into a customer's cart at sign-in (CartMerged) leaves its cohort: its
 * counts are taken back and its shopper's journey goes on in the cart it went into, which
 * gains its lines (CartItemAdded) and counts in that cart's own cohort. Otherwise one shopper
 * would be two carts, one of them lost at the items step when she in fact went on to buy.
 */
export const funnelDailyProjection = combineProjections(
  defineProjection({
    name: NAME,
    version: VERSION,
    events: cartDecider.events,
    handles: ['CartOpened', 'CartItemAdded', 'CartMerged'],
    tables,
    apply(event, recorded, s) {
      const { cartId } = event.data;
      switch (event.type) {
        case 'CartOpened':
          return [
            advance(s, 'select $1::uuid, $2::date, $3::text, 0::smallint, false', [
              cartId,
              shopDay(recorded.createdAt),
              event.data.currency,
            ]),
          ];
        case 'CartItemAdded':
          return [reach(s, cartId, ITEMS)];
        case 'CartMerged':
          return [advance(s, 'select $1::uuid, null::date, null::text, 0::smallint, true', [cartId])];
        default: {
          const _exhaustive: never = event;
          return [];
        }
      }
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
      return [noteOrder(s, orderId, { cartId: plan.cartId }), reach(s, plan.cartId, CHECKOUT), reachOrder(s, orderId)];
    },
  }),
  defineProjection({
    name: NAME,
    version: VERSION,
    events: orderDecider.events,
    handles: ['OrderPlaced', 'PaymentCaptured'],
    tables,
    apply(event, _recorded, s) {
      const { orderId } = event.data;
      const known =
        event.type === 'OrderPlaced' ? { cartId: event.data.cartId, placed: true as const } : { paid: true as const };
      return [noteOrder(s, orderId, known), reachOrder(s, orderId)];
    },
  }),
);
