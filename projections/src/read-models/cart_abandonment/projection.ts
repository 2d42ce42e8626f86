import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartEventTypes } from '@flowdose/domain/cart/events';
import { defineProjection, type Statement, sql } from '../../projection.ts';
import { shopDay } from '../shop-day.ts';
import { cartAbandonmentTables } from './tables.ts';

/**
 * One row per cart: its currency, the value of its current lines (unit price × quantity,
 * before discounts), its last activity (its last cart event) and whether it was closed:
 * checked out or merged into another cart. Whether a cart is abandoned depends on the time it
 * is asked (idle longer than ABANDONED_CART_HOURS), so it is decided by the query, not here:
 * no timer, and a rebuild gives the same table. Each event is one update of the cart's row: it
 * sets what the event says (a line's price and quantity, the latest activity, a closed
 * status) and moves the value and line count by the difference from the line as it was, so
 * the same event applied twice changes nothing.
 */
export const cartAbandonmentProjection = defineProjection({
  name: 'cart_abandonment',
  version: 1,
  events: cartDecider.events,
  handles: cartEventTypes,
  tables: cartAbandonmentTables,
  // One row per cart; abandonment is judged when read (ABANDONED_CART_HOURS), so here too.
  views: (s) => ({
    cart_abandonment: `select cart_id, currency, status, lines, value, last_activity, last_day
      from ${s}.cart_abandonment`,
  }),
  apply(event, recorded, s) {
    const { cartId } = event.data;
    const at = recorded.createdAt;
    /**
     * The one statement of an event after CartOpened: `set` changes the cart's lines (in SET,
     * every column still reads the row as it was, so a line's old price and quantity are at
     * hand), and its last activity moves to this event unless a later one was seen.
     */
    const update = (set: string, values: unknown[] = []): Statement =>
      sql(
        `update ${s}.cart_abandonment c set ${set ? `${set},` : ''}
           last_day = case when $2 > c.last_activity then $3::date else c.last_day end,
           last_activity = greatest(c.last_activity, $2)
         where c.cart_id = $1`,
        [cartId, at, shopDay(at), ...values],
      );
    // Line $4's value as the row holds it (0 when it has no such line).
    const oldValue = `coalesce((c.line_values -> $4::text ->> 0)::bigint * (c.line_values -> $4::text ->> 1)::bigint, 0)`;
    const hadLine = `(c.line_values ? $4::text)::int`;
    switch (event.type) {
      case 'CartOpened':
        return [
          sql(
            `insert into ${s}.cart_abandonment (cart_id, currency, last_activity, last_day) values ($1, $2, $3, $4)
             on conflict (cart_id) do nothing`,
            [cartId, event.data.currency, at, shopDay(at)],
          ),
        ];
      case 'CartItemAdded': {
        const { lineId, quantity, unitPrice } = event.data;
        return [
          update(
            `line_values = c.line_values || jsonb_build_object($4::text, jsonb_build_array($5::bigint, $6::int)),
             lines = c.lines + 1 - ${hadLine}, value = c.value - ${oldValue} + $5::bigint * $6::int`,
            [lineId, unitPrice.amount, quantity],
          ),
        ];
      }
      case 'CartItemQuantityChanged':
        return [
          update(
            `line_values = case when c.line_values ? $4::text
               then jsonb_set(c.line_values, array[$4::text, '1'], to_jsonb($5::int)) else c.line_values end,
             value = c.value + coalesce((c.line_values -> $4::text ->> 0)::bigint * $5::int, 0) - ${oldValue}`,
            [event.data.lineId, event.data.quantity],
          ),
        ];
      case 'CartItemRemoved':
        return [
          update(
            `line_values = c.line_values - $4::text, lines = c.lines - ${hadLine}, value = c.value - ${oldValue}`,
            [event.data.lineId],
          ),
        ];
      case 'CartCheckedOut':
        return [update(`status = 'checked_out'`)];
      case 'CartMerged':
        return [update(`status = 'merged'`)];
      case 'CartClaimed':
        return [update('')];
      default: {
        const _exhaustive: never = event;
        return [];
      }
    }
  },
});
