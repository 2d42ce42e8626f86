import { cartDecider } from '@flowdose/domain/cart/decider';
import { checkoutDecider } from '@flowdose/domain/checkout/process';
import { orderDecider } from '@flowdose/domain/order/decider';
import { combineProjections, defineProjection, type Statement, sql } from '../../projection.ts';
import { shopDay } from '../shop-day.ts';
import { funnelDailyTables, STAGES } from './tables.ts';

const NAME = 'funnel_daily';
const VERSION = 1;
const tables = funnelDailyTables;

/**
 * The cart reaches `stage` unless it went further already. Only ever raised, so a step
 * counts once however often its event comes, and no row is written when nothing changes.
 */
const reach = (s: string, cartId: string, stage: number): Statement =>
  sql(
    `insert into ${s}.funnel_carts as c (cart_id, stage) values ($1, $2)
     on conflict (cart_id) do update set stage = excluded.stage where c.stage < excluded.stage`,
    [cartId, stage],
  );

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
const reachOrder = (s: string, orderId: string): Statement =>
  sql(
    `insert into ${s}.funnel_carts as c (cart_id, stage)
     select cart_id, case when paid then ${STAGES.paid} else ${STAGES.placed} end
     from ${s}.funnel_orders where order_id = $1 and cart_id is not null and (placed or paid)
     on conflict (cart_id) do update set stage = excluded.stage where c.stage < excluded.stage`,
    [orderId],
  );

/**
 * Carts followed from the shop day they were opened (their cohort, in their currency):
 * opened, ever held an item, had a checkout started (its plan names the cart), became an
 * order (OrderPlaced names its cart), had that order's payment captured. A cart's row keeps
 * the furthest step it reached, and the query counts each cart once per step up to it: a
 * retried checkout, a second capture or a replayed event count nothing more, and events may
 * come in any order (a step before its CartOpened waits, uncounted, for its day). A step
 * implies the ones before it (an order without a recorded checkout, from before checkouts
 * were processes, still passed one), so each step is at most the one before.
 *
 * A guest cart merged into a customer's cart at sign-in (CartMerged) leaves its cohort: it
 * is counted nowhere, and its shopper's journey goes on in the cart it went into, which
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
    // Per cohort day and currency, as the route counts them; a merged cart counts nowhere.
    views: (s) => ({
      funnel_daily: `select day, currency, count(*) as carts_opened,
        count(*) filter (where stage >= ${STAGES.items}) as carts_with_items,
        count(*) filter (where stage >= ${STAGES.checkout}) as checkouts_started,
        count(*) filter (where stage >= ${STAGES.placed}) as orders_placed,
        count(*) filter (where stage >= ${STAGES.paid}) as orders_paid
        from ${s}.funnel_carts where day is not null and not merged group by day, currency`,
    }),
    apply(event, recorded, s) {
      const { cartId } = event.data;
      switch (event.type) {
        case 'CartOpened':
          return [
            sql(
              `insert into ${s}.funnel_carts as c (cart_id, day, currency) values ($1, $2, $3)
               on conflict (cart_id) do update set day = excluded.day, currency = excluded.currency
               where c.day is null`,
              [cartId, shopDay(recorded.createdAt), event.data.currency],
            ),
          ];
        case 'CartItemAdded':
          return [reach(s, cartId, STAGES.items)];
        case 'CartMerged':
          return [
            sql(
              `insert into ${s}.funnel_carts as c (cart_id, merged) values ($1, true)
               on conflict (cart_id) do update set merged = true where not c.merged`,
              [cartId],
            ),
          ];
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
      return [
        noteOrder(s, orderId, { cartId: plan.cartId }),
        reach(s, plan.cartId, STAGES.checkout),
        reachOrder(s, orderId),
      ];
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
